// Internals of the scenario loader shared by its source files (loader_internal.cc,
// link_params.cc, catalog_validation.cc, scenario_loader.cc): the error list, the cursor that
// knows where a message and its fields were written, and the checks of single fields. Not part of
// the loader's API.
#ifndef WS2SIM_SCENARIOS_LOADER_INTERNAL_H_
#define WS2SIM_SCENARIOS_LOADER_INTERNAL_H_

#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "absl/container/flat_hash_set.h"
#include "absl/status/status.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/string_view.h"
#include "google/protobuf/message.h"
#include "google/protobuf/text_format.h"
#include "scenarios/scenario_loader.h"

namespace ws2sim::scenarios::internal {

// A place in the scenario file, 1-based.
struct Loc {
  int line = 1;
  int column = 1;
  std::string ToString() const;  // "12:7"
};

// Every error found, each with its place; reported sorted by place (then in the order found).
class Errors {
 public:
  // "<path>: <what>" at `loc`; an identical error at the same place is kept once.
  void Add(Loc loc, absl::string_view path, absl::string_view what);
  // A text-format syntax error: the parser's 0-based line and column, no field path.
  void AddSyntax(int line, int column, absl::string_view what);
  bool empty() const { return errors_.empty(); }
  size_t size() const { return errors_.size(); }
  // InvalidArgumentError with one "<file>:<line>:<column>: ..." line per error (at most
  // kMaxReported, then a line saying how many more), or OkStatus when there are none.
  absl::Status ToStatus(absl::string_view file_name) const;

  static constexpr size_t kMaxReported = 100;

 private:
  struct Error {
    Loc loc;
    uint64_t order;
    std::string text;
  };
  std::vector<Error> errors_;
  absl::flat_hash_set<std::string> seen_;  // "line:column text" of each error, for Add
};

// The scenario text, to find where each value of a repeated field was written: the parser
// records one place per occurrence of the field name, and list syntax ("args: [a, b]") writes
// several values at one occurrence.
class Source {
 public:
  explicit Source(absl::string_view text) : text_(text) {}

  // The place of every value of repeated field `field` (with `size` values) whose occurrences
  // `tree` recorded: the occurrence itself for "f: v" and "f { }", each element for
  // "f: [v1, v2]". Computed once per (tree, field).
  const std::vector<Loc>& ValuePlaces(const google::protobuf::TextFormat::ParseInfoTree* tree,
                                      const google::protobuf::FieldDescriptor* field,
                                      int size) const;

 private:
  struct Token {
    int line;  // 0-based, as the parser counts
    int column;
    std::string text;
  };
  const std::vector<Token>& Tokens() const;

  absl::string_view text_;
  mutable bool tokenized_ = false;
  mutable std::vector<Token> tokens_;
  mutable std::map<std::pair<const void*, const void*>, std::vector<Loc>> places_;
};

// A message of the scenario being validated: its field path ("links[1].forward"), where it was
// written, and the ParseInfoTree that knows where its fields were written. Fields that were not
// written are located at the message itself.
class Node {
 public:
  using Tree = google::protobuf::TextFormat::ParseInfoTree;

  Node(Errors* errors, const Source* source, const google::protobuf::Message& message,
       const Tree* tree, std::string path, Loc loc)
      : errors_(errors),
        source_(source),
        message_(&message),
        tree_(tree),
        path_(std::move(path)),
        loc_(loc) {}

  // Where `field` (its `index`-th value for a repeated field; -1 for a singular one) was
  // written, or this message's place when it was not.
  Loc At(absl::string_view field, int index = -1) const;
  // "links[1].forward.loss", "links[1].endpoints[0]".
  std::string Path(absl::string_view field, int index = -1) const;
  // The node of message field `field` (index as above), whose value is `child`.
  Node Child(const google::protobuf::Message& child, absl::string_view field, int index = -1) const;

  // An error about `field` (index as above), at its place.
  void Error(absl::string_view field, int index, absl::string_view what) const;
  void Error(absl::string_view field, absl::string_view what) const { Error(field, -1, what); }
  // An error about this message as a whole, at its place.
  void ErrorHere(absl::string_view what) const;

  const std::string& path() const { return path_; }
  Loc loc() const { return loc_; }
  Errors* errors() const { return errors_; }

 private:
  const google::protobuf::FieldDescriptor* Field(absl::string_view field) const;

  Errors* errors_;
  const Source* source_;
  const google::protobuf::Message* message_;
  const Tree* tree_;  // null when nothing of this message was written
  std::string path_;
  Loc loc_;
};

// Case-insensitive (ASCII) key for registry, INI and host names.
std::string Fold(absl::string_view name);

// ---- checks of single fields; each reports what it finds at the field

// The largest link delay, jitter or fault delay.
inline constexpr sim::Duration kMaxLinkDelay = sim::Duration::Seconds(3600);

// 1..63 letters, digits, '-' and '_', starting with a letter or digit.
bool IsName(absl::string_view s);
std::string RangeText(int64_t lo, int64_t hi);  // "[lo, hi]"
// "1h" for whole hours, else Duration::ToString ("3600.5s").
std::string DurationText(sim::Duration d);

// A required name (`what` is the kind of thing named): missing, empty or malformed are errors.
// True when the name is valid.
bool CheckName(const Node& n, absl::string_view field, bool has, const std::string& value,
               absl::string_view what);
// A percent in [0, 100].
bool CheckPercent(const Node& n, absl::string_view field, double value);
// An integer in [lo, hi].
bool CheckInt(const Node& n, absl::string_view field, int64_t value, int64_t lo, int64_t hi);
// A duration in [0, max], or (0, max] when `positive`; `zero_hint` follows the complaint about
// 0. Null when it is wrong (and reported).
std::optional<sim::Duration> CheckDuration(const Node& n, absl::string_view field,
                                           const std::string& text, bool positive,
                                           sim::Duration max, absl::string_view zero_hint = "");

// ---- link parameters (link_params.cc)

// One LinkParams block as written, with the values that parsed.
struct ParsedParams {
  const pb::LinkParams* pb;
  Node node;
  std::optional<sim::Duration> delay, jitter;
  std::optional<int64_t> rate;
  absl::flat_hash_set<std::string> invalid;  // fields that were written wrongly
};

// Which block wrote each field of a model, and whether it was written correctly.
struct Origin {
  const ParsedParams* block;
  bool valid;
};
using Written = std::map<std::string, Origin>;

// A field the resulting model leaves with nothing to do, and why.
struct Problem {
  const ParsedParams* block;
  std::string field;
  std::string what;
  bool operator==(const Problem& o) const {
    return block == o.block && field == o.field && what == o.what;
  }
};

// The zero value of an enum written explicitly.
template <typename E>
bool CheckEnum(const Node& n, absl::string_view field, E value, absl::string_view zero_name,
               absl::string_view choices) {
  if (static_cast<int>(value) != 0) return true;
  n.Error(field, absl::StrCat(zero_name, " is not allowed (write ", choices, ")"));
  return false;
}

// Parses and range-checks one LinkParams block, reporting what is wrong in it.
ParsedParams ParseParams(const pb::LinkParams& p, const Node& n);
// Applies the fields `b` gives to `m` (the loss model, with its correlation, as a whole),
// recording in `w` that `b` wrote them.
void ApplyParams(const ParsedParams& b, LinkModel& m, Written& w);
// The fields written (per `w`) that the resulting model `m` leaves with nothing to do.
std::vector<Problem> CrossCheck(const LinkModel& m, const Written& w, bool link_has_ipv6);
// Reports the problems of a link's directions (`reverse` null for a segment or a change of one
// direction). A problem that the shared `both` block causes in only one direction says which.
void ReportProblems(const std::vector<Problem>& forward, const std::vector<Problem>* reverse,
                    const ParsedParams* both);

// ---- catalogs (catalog_validation.cc)

// Validates a host's catalog (scenario.proto, message Catalog).
void ValidateCatalog(const pb::Catalog& catalog, const Node& node);

}  // namespace ws2sim::scenarios::internal

#endif  // WS2SIM_SCENARIOS_LOADER_INTERNAL_H_
