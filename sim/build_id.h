// The id of the source this binary was built from: "ws2sim <version>+<git commit>". The same for
// every build type of one tree, so it may go into traces (cmake/BuildId.cmake).
#ifndef WS2SIM_SIM_BUILD_ID_H_
#define WS2SIM_SIM_BUILD_ID_H_

#include <string_view>

namespace ws2sim {
std::string_view BuildId();
}  // namespace ws2sim

#endif  // WS2SIM_SIM_BUILD_ID_H_
