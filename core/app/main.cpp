// zaplify-analytics: the analytics server. Everything lives in Application; see core/app/.
#include <malloc.h>

#include <cstdlib>
#include <iostream>
#include <stdexcept>

#include "app/application.h"

namespace {

// glibc gives each busy thread its own malloc arena (up to 8 per core); freed memory scattered
// over many arenas is rarely returned to the OS. Two arenas held the soak benchmark's server at
// 114 MB instead of 176 MB (docs/benchmarks.md). MALLOC_ARENA_MAX in the environment still wins.
void limit_malloc_arenas() {
  if (std::getenv("MALLOC_ARENA_MAX") == nullptr) mallopt(M_ARENA_MAX, 2);
}

}  // namespace

int main(int argc, char** argv) {
  limit_malloc_arenas();
  // Before any thread exists, so every thread inherits the mask and only sigwait sees them.
  zaplify::core::block_handled_signals();
  try {
    zaplify::core::Application app(zaplify::core::parse_command_line(argc, argv));
    return app.run();
  } catch (const std::invalid_argument& e) {
    std::cerr << "zaplify-analytics: " << e.what() << "\n" << zaplify::core::usage_text();
    return 2;
  }
}
