#include "scenarios/loader_internal.h"

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <tuple>

#include "absl/strings/ascii.h"
#include "absl/strings/str_cat.h"
#include "google/protobuf/io/tokenizer.h"
#include "google/protobuf/io/zero_copy_stream_impl_lite.h"

namespace ws2sim::scenarios::internal {

std::string Loc::ToString() const { return absl::StrCat(line, ":", column); }

std::string Fold(absl::string_view name) { return absl::AsciiStrToLower(name); }

void Errors::Add(Loc loc, absl::string_view path, absl::string_view what) {
  std::string text = path.empty() ? std::string(what) : absl::StrCat(path, ": ", what);
  if (!seen_.insert(absl::StrCat(loc.ToString(), " ", text)).second) return;
  errors_.push_back(Error{loc, errors_.size(), std::move(text)});
}

void Errors::AddSyntax(int line, int column, absl::string_view what) {
  errors_.push_back(Error{Loc{std::max(line, 0) + 1, std::max(column, 0) + 1}, errors_.size(),
                          std::string(what)});
}

absl::Status Errors::ToStatus(absl::string_view file_name) const {
  if (errors_.empty()) return absl::OkStatus();
  std::vector<const Error*> sorted;
  sorted.reserve(errors_.size());
  for (const Error& e : errors_) sorted.push_back(&e);
  std::sort(sorted.begin(), sorted.end(), [](const Error* a, const Error* b) {
    return std::tie(a->loc.line, a->loc.column, a->order) <
           std::tie(b->loc.line, b->loc.column, b->order);
  });
  std::string out;
  for (size_t i = 0; i < sorted.size() && i < kMaxReported; ++i) {
    absl::StrAppend(&out, i ? "\n" : "", file_name, ":", sorted[i]->loc.line, ":",
                    sorted[i]->loc.column, ": ", sorted[i]->text);
  }
  if (sorted.size() > kMaxReported) {
    absl::StrAppend(&out, "\n", file_name, ": ... and ", sorted.size() - kMaxReported,
                    " more errors");
  }
  return absl::InvalidArgumentError(out);
}

const google::protobuf::FieldDescriptor* Node::Field(absl::string_view field) const {
  const google::protobuf::FieldDescriptor* fd =
      message_->GetDescriptor()->FindFieldByName(std::string(field));
  if (fd == nullptr) {
    std::fprintf(stderr, "scenario loader: %s has no field %s\n",
                 message_->GetDescriptor()->full_name().c_str(), std::string(field).c_str());
    std::abort();
  }
  return fd;
}

const std::vector<Source::Token>& Source::Tokens() const {
  if (tokenized_) return tokens_;
  tokenized_ = true;
  // The same tokenizer settings as TextFormat's parser, so that places agree.
  class Quiet : public google::protobuf::io::ErrorCollector {
   public:
    void AddError(int, google::protobuf::io::ColumnNumber, const std::string&) override {}
  } quiet;
  google::protobuf::io::ArrayInputStream input(text_.data(), static_cast<int>(text_.size()));
  google::protobuf::io::Tokenizer tokenizer(&input, &quiet);
  tokenizer.set_allow_f_after_float(true);
  tokenizer.set_comment_style(google::protobuf::io::Tokenizer::SH_COMMENT_STYLE);
  tokenizer.set_require_space_after_number(false);
  tokenizer.set_allow_multiline_strings(true);
  while (tokenizer.Next()) {
    const google::protobuf::io::Tokenizer::Token& t = tokenizer.current();
    tokens_.push_back(
        Token{t.line, t.column,
              t.type == google::protobuf::io::Tokenizer::TYPE_SYMBOL ? t.text : std::string()});
  }
  return tokens_;
}

const std::vector<Loc>& Source::ValuePlaces(const google::protobuf::TextFormat::ParseInfoTree* tree,
                                            const google::protobuf::FieldDescriptor* field,
                                            int size) const {
  std::vector<Loc>& places = places_[std::make_pair(tree, field)];
  if (!places.empty()) return places;
  std::vector<std::pair<int, int>> starts;
  for (int r = 0; r < size; ++r) {
    const google::protobuf::TextFormat::ParseLocation l = tree->GetLocation(field, r);
    if (l.line < 0) break;
    starts.emplace_back(l.line, l.column);
  }
  const std::vector<Token>& tokens = Tokens();
  for (const auto& [line, column] : starts) {
    const Loc here{line + 1, column + 1};
    auto it = std::lower_bound(tokens.begin(), tokens.end(), std::make_pair(line, column),
                               [](const Token& t, const std::pair<int, int>& p) {
                                 return std::make_pair(t.line, t.column) < p;
                               });
    size_t i = it - tokens.begin() + 1;  // after the field name
    if (i < tokens.size() && tokens[i].text == ":") ++i;
    if (i >= tokens.size() || tokens[i].text != "[") {
      places.push_back(here);
      continue;
    }
    ++i;
    if (i < tokens.size() && tokens[i].text == "]") continue;  // "f: []"
    int depth = 0;
    bool at_element = true;
    for (; i < tokens.size(); ++i) {
      const std::string& t = tokens[i].text;
      if (at_element) {
        places.push_back(Loc{tokens[i].line + 1, tokens[i].column + 1});
        at_element = false;
      }
      if (t == "{" || t == "<" || t == "[") {
        ++depth;
      } else if (t == "}" || t == ">" || (t == "]" && depth > 0)) {
        --depth;
      } else if (t == "]") {
        break;
      } else if (t == "," && depth == 0) {
        at_element = true;
      }
    }
  }
  return places;
}

Loc Node::At(absl::string_view field, int index) const {
  const google::protobuf::FieldDescriptor* fd = Field(field);
  if (tree_ == nullptr) return loc_;
  if (!fd->is_repeated()) {
    const google::protobuf::TextFormat::ParseLocation l = tree_->GetLocation(fd, -1);
    return l.line < 0 ? loc_ : Loc{l.line + 1, l.column + 1};
  }
  index = std::max(index, 0);  // the whole repeated field: where its first value is
  const int size = message_->GetReflection()->FieldSize(*message_, fd);
  if (index >= size) return loc_;
  if (tree_->GetLocation(fd, size - 1).line >= 0) {
    // One place recorded per value: no list syntax.
    const google::protobuf::TextFormat::ParseLocation l = tree_->GetLocation(fd, index);
    return Loc{l.line + 1, l.column + 1};
  }
  // List syntax wrote several values at one place: find each value (once per field).
  const std::vector<Loc>& places = source_->ValuePlaces(tree_, fd, size);
  return index < static_cast<int>(places.size()) ? places[index] : loc_;
}

std::string Node::Path(absl::string_view field, int index) const {
  std::string p = path_.empty() ? std::string(field) : absl::StrCat(path_, ".", field);
  if (index >= 0) absl::StrAppend(&p, "[", index, "]");
  return p;
}

Node Node::Child(const google::protobuf::Message& child, absl::string_view field, int index) const {
  const google::protobuf::FieldDescriptor* fd = Field(field);
  const Tree* tree = nullptr;
  if (tree_ != nullptr) {
    tree = tree_->GetTreeForNested(fd, fd->is_repeated() ? std::max(index, 0) : -1);
  }
  return Node(errors_, source_, child, tree, Path(field, index), At(field, index));
}

void Node::Error(absl::string_view field, int index, absl::string_view what) const {
  errors_->Add(At(field, index), Path(field, index), what);
}

void Node::ErrorHere(absl::string_view what) const { errors_->Add(loc_, path_, what); }

namespace {

constexpr char kNameRule[] =
    "use 1..63 letters, digits, '-' and '_', starting with a letter or digit";

}  // namespace

bool IsName(absl::string_view s) {
  if (s.empty() || s.size() > 63 || !absl::ascii_isalnum(s[0])) return false;
  for (char c : s) {
    if (!absl::ascii_isalnum(c) && c != '-' && c != '_') return false;
  }
  return true;
}

std::string RangeText(int64_t lo, int64_t hi) { return absl::StrCat("[", lo, ", ", hi, "]"); }

bool CheckName(const Node& n, absl::string_view field, bool has, const std::string& value,
               absl::string_view what) {
  if (!has) {
    n.Error(field, absl::StrCat("missing (every ", what, " needs a ", field, ")"));
    return false;
  }
  if (value.empty()) {
    n.Error(field, absl::StrCat("empty (every ", what, " needs a ", field, ")"));
    return false;
  }
  if (!IsName(value)) {
    n.Error(field, absl::StrCat(Quote(value), " is not a valid name (", kNameRule, ")"));
    return false;
  }
  return true;
}

bool CheckPercent(const Node& n, absl::string_view field, double value) {
  if (std::isnan(value)) {
    n.Error(field, "nan is not a number (percents are in [0, 100])");
    return false;
  }
  if (!(value >= 0 && value <= 100)) {
    n.Error(field, absl::StrCat(value, " is out of range [0, 100]"));
    return false;
  }
  return true;
}

bool CheckInt(const Node& n, absl::string_view field, int64_t value, int64_t lo, int64_t hi) {
  if (value < lo || value > hi) {
    n.Error(field, absl::StrCat(value, " is out of range ", RangeText(lo, hi)));
    return false;
  }
  return true;
}

std::string DurationText(sim::Duration d) {
  constexpr int64_t kHour = 3600LL * 1000000000;
  if (d.ns() != 0 && d.ns() % kHour == 0) return absl::StrCat(d.ns() / kHour, "h");
  return d.ToString();
}

std::optional<sim::Duration> CheckDuration(const Node& n, absl::string_view field,
                                           const std::string& text, bool positive,
                                           sim::Duration max, absl::string_view zero_hint) {
  absl::StatusOr<sim::Duration> d = ParseDuration(text);
  if (!d.ok()) {
    n.Error(field, d.status().message());
    return std::nullopt;
  }
  if (*d < sim::Duration::Zero()) {
    n.Error(field, absl::StrCat(Quote(text), " is negative (durations are >= 0)"));
    return std::nullopt;
  }
  if (positive && *d == sim::Duration::Zero()) {
    n.Error(field, absl::StrCat(Quote(text), " must be greater than 0", zero_hint));
    return std::nullopt;
  }
  if (*d > max) {
    n.Error(field, absl::StrCat(Quote(text), " is out of range ", positive ? "(0, " : "[0, ",
                                DurationText(max), "]"));
    return std::nullopt;
  }
  return *d;
}

}  // namespace ws2sim::scenarios::internal
