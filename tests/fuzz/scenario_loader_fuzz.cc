// libFuzzer target: the scenario loader on arbitrary bytes (scenarios/scenario_loader.h).
// Besides never crashing or hanging, checks the loader's promises: an error is
// InvalidArgument, one "<file>:<line>:<column>: ..." line per error, sorted by place; a loaded
// scenario's indexes are in range, and printing it back as text loads again.
#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <string>
#include <tuple>
#include <vector>

#include "absl/strings/match.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_split.h"
#include "absl/strings/strip.h"
#include "google/protobuf/text_format.h"
#include "scenarios/scenario_loader.h"

namespace {

using ws2sim::scenarios::LoadScenarioText;
using ws2sim::scenarios::Scenario;

void Require(bool condition, const char* what) {
  if (condition) return;
  std::fprintf(stderr, "scenario_loader_fuzz: broken promise: %s\n", what);
  std::abort();
}

void CheckErrors(const absl::Status& status) {
  Require(status.code() == absl::StatusCode::kInvalidArgument, "errors are InvalidArgument");
  const std::vector<absl::string_view> lines = absl::StrSplit(status.message(), '\n');
  Require(lines.size() <= 101, "at most 100 errors and a count of the rest");
  std::pair<int, int> previous{0, 0};
  for (size_t i = 0; i < lines.size(); ++i) {
    absl::string_view line = lines[i];
    Require(absl::ConsumePrefix(&line, "fuzz.textproto:"), "every line names the file");
    if (i == 100) {
      Require(absl::StartsWith(line, " ... and "), "the last line counts the rest");
      break;
    }
    const std::vector<absl::string_view> parts = absl::StrSplit(line, absl::MaxSplits(':', 2));
    int l = 0, c = 0;
    Require(parts.size() == 3 && absl::SimpleAtoi(parts[0], &l) && absl::SimpleAtoi(parts[1], &c),
            "every line has a line and a column");
    Require(l >= 1 && c >= 1, "lines and columns are 1-based");
    Require(std::make_pair(l, c) >= previous, "errors are sorted by place");
    previous = {l, c};
  }
}

void CheckScenario(const Scenario& s) {
  const int hosts = static_cast<int>(s.hosts().size());
  const int links = static_cast<int>(s.links().size());
  Require(hosts >= 1 && hosts == s.proto().hosts_size(), "one parsed host per host");
  for (const auto& l : s.links()) {
    for (const auto& e : l.endpoints) {
      Require(e.host >= 0 && e.host < hosts, "endpoint hosts resolve");
      Require(e.interface >= 0 &&
                  e.interface < static_cast<int>(s.hosts()[e.host].interfaces.size()),
              "endpoint interfaces resolve");
    }
  }
  for (const auto& p : s.processes()) Require(p.host >= 0 && p.host < hosts, "process hosts");
  for (const auto& f : s.faults()) Require(f.link >= 0 && f.link < links, "fault links");
  for (size_t i = 0; i < s.changes().size(); ++i) {
    Require(s.changes()[i].link >= 0 && s.changes()[i].link < links, "change links");
    if (i > 0) Require(s.changes()[i - 1].at <= s.changes()[i].at, "changes in time order");
  }
  std::string text;
  Require(google::protobuf::TextFormat::PrintToString(s.proto(), &text), "prints");
  Require(LoadScenarioText(text, "printed.textproto").ok(), "a loaded scenario printed loads");
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  const absl::string_view text(reinterpret_cast<const char*>(data), size);
  absl::StatusOr<Scenario> s = LoadScenarioText(text, "fuzz.textproto");
  if (s.ok()) {
    CheckScenario(*s);
  } else {
    CheckErrors(s.status());
  }
  return 0;
}
