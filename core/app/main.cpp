// zaplify-analytics: the analytics server. Everything lives in Application; see core/app/.
#include <iostream>
#include <stdexcept>

#include "app/application.h"

int main(int argc, char** argv) {
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
