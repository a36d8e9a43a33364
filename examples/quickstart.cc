// Copyright 2026 The lrs Authors. Licensed under the Apache License, Version 2.0.
// Placeholder until the store is wired; replaced in the next commit.
int main() { return 0; }
