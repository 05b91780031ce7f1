#include "sim/schedule_id.h"

#include "absl/status/status.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_split.h"

namespace ws2sim::sim {
namespace {

// Crockford's base32 alphabet, lower case. Each character carries 4 value bits; 16 means "more".
constexpr char kAlphabet[] = "0123456789abcdefghjkmnpqrstvwxyz";

void AppendVarint(std::string& out, uint64_t v) {
  while (v >= 16) {
    out.push_back(kAlphabet[16 | (v & 15)]);
    v >>= 4;
  }
  out.push_back(kAlphabet[v]);
}

int DigitOf(char c) {
  for (int i = 0; i < 32; ++i) {
    if (kAlphabet[i] == c) return i;
  }
  return -1;
}

}  // namespace

std::string EncodeScheduleId(const Schedule& schedule) {
  std::string out = absl::StrCat("s1.", schedule.seed, ".");
  AppendVarint(out, schedule.choice_points);
  uint64_t next = 0;  // first ordinal not yet covered
  for (const Schedule::Deviation& d : schedule.deviations) {
    AppendVarint(out, d.ordinal - next);
    AppendVarint(out, d.index);
    next = d.ordinal + 1;
  }
  return out;
}

absl::StatusOr<Schedule> DecodeScheduleId(absl::string_view id) {
  std::vector<absl::string_view> parts = absl::StrSplit(id, '.');
  if (parts.size() != 3 || parts[0] != "s1") {
    return absl::InvalidArgumentError(
        absl::StrCat("schedule id '", id, "' is not of the form s1.<seed>.<choices>"));
  }
  Schedule schedule;
  if (!absl::SimpleAtoi(parts[1], &schedule.seed)) {
    return absl::InvalidArgumentError(
        absl::StrCat("schedule id '", id, "': seed '", parts[1], "' is not a number"));
  }
  const size_t base = parts[0].size() + parts[1].size() + 2;
  absl::string_view body = parts[2];
  size_t pos = 0;
  auto next = [&](uint64_t& v) -> absl::Status {
    v = 0;
    for (int shift = 0;; shift += 4) {
      if (pos >= body.size()) {
        return absl::InvalidArgumentError(
            absl::StrCat("schedule id '", id, "' ends in the middle of a number"));
      }
      const int d = DigitOf(body[pos]);
      if (d < 0 || shift > 60) {
        return absl::InvalidArgumentError(absl::StrCat(
            "schedule id '", id, "': bad character at position ", base + pos));
      }
      ++pos;
      v |= static_cast<uint64_t>(d & 15) << shift;
      if (d < 16) return absl::OkStatus();
    }
  };
  if (absl::Status s = next(schedule.choice_points); !s.ok()) return s;
  uint64_t covered = 0;  // first ordinal not yet covered
  while (pos < body.size()) {
    uint64_t zeros = 0, index = 0;
    if (absl::Status s = next(zeros); !s.ok()) return s;
    if (absl::Status s = next(index); !s.ok()) return s;
    if (index == 0 || index > UINT32_MAX || zeros >= schedule.choice_points - covered) {
      return absl::InvalidArgumentError(
          absl::StrCat("schedule id '", id, "' is inconsistent at position ", base + pos));
    }
    schedule.deviations.push_back({covered + zeros, static_cast<uint32_t>(index)});
    covered += zeros + 1;
  }
  return schedule;
}

}  // namespace ws2sim::sim
