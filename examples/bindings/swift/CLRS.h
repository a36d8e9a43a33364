/* Copyright 2026 The lrs Authors. Licensed under the Apache License, Version 2.0.
 * The umbrella header of the CLRS module (module.modulemap): lrs's C API. */
#include <lrs/lrs.h>
