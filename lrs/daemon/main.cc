// Copyright 2026 The lrs Authors. Licensed under the Apache License, Version 2.0.
//
// The `lrs` program; see lrs/daemon/cli.h for its commands.

#include <csignal>
#include <iostream>
#include <string>
#include <vector>

#include "lrs/daemon/cli.h"

int main(int argc, char** argv) {
  std::signal(SIGPIPE, SIG_IGN);  // a client closing early must not kill the server
  std::vector<std::string> args(argv + 1, argv + argc);
  return lrs::daemon::RunCli(args, std::cout, std::cerr, lrs::daemon::ProcessEnv());
}
