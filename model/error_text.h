// The system message texts FormatMessage(FORMAT_MESSAGE_FROM_SYSTEM) gives for Winsock error
// codes (WSAEINTR 10004 .. WSA_QOS_* excluded, WSAHOST_NOT_FOUND 11001 .. WSANO_DATA 11004) and
// the common Win32 codes Winsock programs print (0, 5, 6, 8, 87, 122, 995..997, 1400): the
// Windows (en-US) text, without the trailing "\r\n" FormatMessage appends.
#ifndef WS2SIM_MODEL_ERROR_TEXT_H_
#define WS2SIM_MODEL_ERROR_TEXT_H_

#include <cstdint>
#include <optional>

#include "absl/strings/string_view.h"

namespace ws2sim::model {

// The text for `code`, or nullopt when Windows has none in this table (FormatMessage then fails
// with ERROR_MR_MID_NOT_FOUND).
std::optional<absl::string_view> SystemErrorText(uint32_t code);

}  // namespace ws2sim::model

#endif  // WS2SIM_MODEL_ERROR_TEXT_H_
