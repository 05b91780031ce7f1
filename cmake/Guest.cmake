# Guest programs (DESIGN.md section 7): unmodified Winsock C/C++ programs built as shared modules
# that ws2sim loads once per simulated process (model/guest_program.h).
#
#   ws2sim_add_guest(NAME SOURCES file...)   builds guests/NAME.so in the build tree
#   ws2sim_host_guests(TARGET)               lets executable TARGET run guests (exports the API)

# C library functions whose guest references go to ws2sim (model/guest_stdio.cc; time in
# model/api_time.cc).
set(WS2SIM_GUEST_WRAPPED printf vprintf fprintf vfprintf puts putchar fputs fputc putc fwrite
    perror fflush exit time)

function(ws2sim_add_guest name)
  cmake_parse_arguments(G "" "" "SOURCES" ${ARGN})
  add_library(${name} MODULE ${G_SOURCES})
  set_target_properties(${name} PROPERTIES PREFIX "" LIBRARY_OUTPUT_DIRECTORY
                        "${PROJECT_BINARY_DIR}/guests")
  target_include_directories(${name} BEFORE PRIVATE "${PROJECT_SOURCE_DIR}/model/include")
  # -fexceptions: exit() unwinds C frames too. No _FORTIFY_SOURCE: its __printf_chk would bypass
  # the wrapped printf.
  target_compile_options(${name} PRIVATE -fexceptions -U_FORTIFY_SOURCE)
  # Portable programs choose their Windows code with these.
  target_compile_definitions(${name} PRIVATE _WIN32 WIN32)
  set(wraps "")
  foreach(fn ${WS2SIM_GUEST_WRAPPED})
    list(APPEND wraps "-Wl,--wrap=${fn}")
  endforeach()
  # -Bsymbolic: a guest's own functions are never interposed by ws2sim's exported symbols.
  target_link_options(${name} PRIVATE -Wl,-Bsymbolic ${wraps})
endfunction()

function(ws2sim_host_guests target)
  target_link_libraries(${target} PRIVATE ws2sim_guest_api)
  # Only the functions guests call are exported (model/guest_exports.list), so a guest's own
  # symbols can never bind to ws2sim's internals.
  target_link_options(${target} PRIVATE
                      "-Wl,--dynamic-list=${PROJECT_SOURCE_DIR}/model/guest_exports.list")
  set_property(TARGET ${target} APPEND PROPERTY LINK_DEPENDS
               "${PROJECT_SOURCE_DIR}/model/guest_exports.list")
endfunction()
