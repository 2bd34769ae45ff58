// Where a command writes, and what it knows about the terminal. main() builds it from the real
// process (std::cout, isatty, TIOCGWINSZ); tests build it from string streams.
#pragma once

#include <cstddef>
#include <ostream>

namespace mirrord::cli {

struct Console {
  std::ostream& out;             // results: tables, JSON, progress
  std::ostream& err;             // errors and hints
  bool out_is_terminal = false;  // draw a redrawn progress bar rather than log lines
  std::size_t terminal_width = 80;
};

}  // namespace mirrord::cli
