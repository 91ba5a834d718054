# Warnings on, and errors, for our own code only (third-party headers are included as SYSTEM).
function(zaplify_warnings target)
  target_compile_options(${target} PRIVATE -Wall -Wextra -Wpedantic -Werror
    -Wno-unused-parameter -Wno-missing-field-initializers)
endfunction()
