# The build id names the source the binary was built from (version + git commit), never the build
# type, so Debug, Release and sanitizer builds of one tree write byte-identical traces.
set(WS2SIM_BUILD_ID_CC "${PROJECT_BINARY_DIR}/generated/build_id.cc")
add_custom_target(ws2sim_build_id_gen
  COMMAND ${CMAKE_COMMAND}
          -DSOURCE_DIR=${PROJECT_SOURCE_DIR}
          -DOUT=${WS2SIM_BUILD_ID_CC}
          -DVERSION=${PROJECT_VERSION}
          -P ${PROJECT_SOURCE_DIR}/cmake/GenBuildId.cmake
  BYPRODUCTS ${WS2SIM_BUILD_ID_CC}
  COMMENT "Stamping the build id"
  VERBATIM)
