#include "scenarios/scenario_loader.h"

#include <algorithm>
#include <cerrno>
#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <map>
#include <utility>

#include "absl/container/flat_hash_map.h"
#include "absl/container/flat_hash_set.h"
#include "absl/status/status.h"
#include "absl/strings/ascii.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "absl/strings/str_split.h"
#include "google/protobuf/io/tokenizer.h"
#include "google/protobuf/io/zero_copy_stream_impl_lite.h"
#include "google/protobuf/stubs/logging.h"
#include "google/protobuf/text_format.h"
#include "scenarios/loader_internal.h"

namespace ws2sim::scenarios {

using internal::CheckDuration;
using internal::CheckEnum;
using internal::CheckInt;
using internal::CheckName;
using internal::Errors;
using internal::Fold;
using internal::kMaxLinkDelay;
using internal::Loc;
using internal::Node;
using internal::ParsedParams;
using internal::Problem;
using internal::Written;

namespace {

constexpr int64_t kMaxInstances = 100000;

bool IsProgramName(absl::string_view s) {
  if (s.empty() || s.size() > 63) return false;
  for (char c : s) {
    if (!absl::ascii_isalnum(c) && c != '-' && c != '_' && c != '.') return false;
  }
  return true;
}

bool IsUnicast(const IpPrefix& p, std::string& why) {
  const IpAddress& a = p.address;
  if (a.is_v4()) {
    const uint8_t b0 = a.bytes[0];
    if (a == IpAddress{}) {
      why = "is the unspecified address";
    } else if (b0 == 127) {
      why = "is a loopback address (every host has 127.0.0.1/8 already)";
    } else if (b0 == 255 && a.bytes[1] == 255 && a.bytes[2] == 255 && a.bytes[3] == 255) {
      why = "is the limited broadcast address";
    } else if (b0 >= 224 && b0 < 240) {
      why = "is a multicast address";
    } else if (p.length <= 30 && p.address == p.Network()) {
      why = absl::StrCat("is the network address of ", p.Network().ToString(), "/", p.length);
    } else if (p.length <= 30 && p.address == p.LastAddress()) {
      why = absl::StrCat("is the broadcast address of ", p.Network().ToString(), "/", p.length);
    } else {
      return true;
    }
    return false;
  }
  IpAddress loopback{IpAddress::Family::kV6, {}};
  loopback.bytes[15] = 1;
  if (a == IpAddress{IpAddress::Family::kV6, {}}) {
    why = "is the unspecified address";
  } else if (a == loopback) {
    why = "is the loopback address (every host has ::1 already)";
  } else if (a.bytes[0] == 0xff) {
    why = "is a multicast address";
  } else {
    return true;
  }
  return false;
}

// TCP flags "SYN|ACK" as TcpFlag bits.
std::optional<uint8_t> ParseTcpFlags(const Node& n, absl::string_view field,
                                     const std::string& text) {
  static constexpr struct {
    const char* name;
    uint8_t bit;
  } kFlags[] = {{"FIN", kTcpFin}, {"SYN", kTcpSyn}, {"RST", kTcpRst}, {"PSH", kTcpPsh},
                {"ACK", kTcpAck}, {"URG", kTcpUrg}, {"ECE", kTcpEce}, {"CWR", kTcpCwr}};
  uint8_t bits = 0;
  for (absl::string_view part : absl::StrSplit(text, '|')) {
    const std::string name = absl::AsciiStrToUpper(absl::StripAsciiWhitespace(part));
    uint8_t bit = 0;
    for (const auto& f : kFlags) {
      if (name == f.name) bit = f.bit;
    }
    if (bit == 0) {
      n.Error(field, absl::StrCat(Quote(text), ": ", Quote(part),
                                  " is not a TCP flag (use FIN, SYN, RST, PSH, ACK, URG, ECE, "
                                  "CWR, separated by '|')"));
      return std::nullopt;
    }
    if (bits & bit) {
      n.Error(field, absl::StrCat(Quote(text), ": ", name, " is listed twice"));
      return std::nullopt;
    }
    bits |= bit;
  }
  return bits;
}

std::string FlagNames(uint8_t bits) {
  static constexpr const char* kNames[] = {"FIN", "SYN", "RST", "PSH", "ACK", "URG", "ECE", "CWR"};
  std::vector<std::string> names;
  for (int i = 0; i < 8; ++i) {
    if (bits & (1u << i)) names.push_back(kNames[i]);
  }
  return absl::StrJoin(names, "|");
}

class ParseErrorCollector : public google::protobuf::io::ErrorCollector {
 public:
  explicit ParseErrorCollector(Errors* errors) : errors_(errors) {}
  void AddError(int line, google::protobuf::io::ColumnNumber column,
                const std::string& message) override {
    errors_->AddSyntax(line, column, message);
  }
  void AddWarning(int, google::protobuf::io::ColumnNumber, const std::string&) override {}

 private:
  Errors* errors_;
};

}  // namespace

// Validates the parsed message and fills in the Scenario's parsed values.
class ScenarioBuilder {
 public:
  ScenarioBuilder(Scenario& out, Errors& errors, const internal::Source& source,
                  const Node::Tree& tree)
      : out_(out), s_(out.proto_), errors_(errors), source_(source), tree_(tree) {}

  static pb::Scenario* MutableProto(Scenario& s) { return &s.proto_; }
  static void SetFileName(Scenario& s, absl::string_view name) { s.file_name_ = std::string(name); }

  void Build() {
    const Node root(&errors_, &source_, s_, &tree_, "", Loc{1, 1});
    Top(root);
    Hosts(root);
    Links(root);
    Changes(root);
    Faults(root);
    Processes(root);
  }

 private:
  struct HostRef {
    int index;
    Loc loc;
  };

  void Top(const Node& root) {
    if (s_.has_tcpip() && s_.tcpip().has_somaxconn()) {
      const Node n = root.Child(s_.tcpip(), "tcpip");
      if (CheckInt(n, "somaxconn", s_.tcpip().somaxconn(), 1, 1000000)) {
        out_.somaxconn_ = s_.tcpip().somaxconn();
      }
    }
    if (s_.has_tcpip() && s_.tcpip().has_fd_close_waits_for_data()) {
      out_.fd_close_waits_for_data_ = s_.tcpip().fd_close_waits_for_data();
    }
    if (s_.has_tcpip() && s_.tcpip().has_accept_defer_timeout()) {
      const Node n = root.Child(s_.tcpip(), "tcpip");
      out_.accept_defer_timeout_ = CheckDuration(n, "accept_defer_timeout",
                                                 s_.tcpip().accept_defer_timeout(), true,
                                                 sim::Duration::Max());
    }
    if (!s_.has_name()) {
      root.Error("name", "missing (every scenario needs a name)");
    } else if (absl::StripAsciiWhitespace(s_.name()).empty()) {
      root.Error("name", "empty (every scenario needs a name)");
    }
    if (s_.has_limits()) {
      const pb::Limits& l = s_.limits();
      const Node n = root.Child(l, "limits");
      if (l.has_max_events()) {
        if (l.max_events() <= 0) {
          n.Error("max_events", absl::StrCat(l.max_events(),
                                             " must be greater than 0 (leave max_events out for "
                                             "no limit)"));
        } else {
          out_.limits_.max_events = static_cast<uint64_t>(l.max_events());
        }
      }
      if (l.has_max_virtual_time()) {
        if (std::optional<sim::Duration> d =
                CheckDuration(n, "max_virtual_time", l.max_virtual_time(), true,
                              sim::Duration::Max(), " (leave max_virtual_time out for no limit)")) {
          out_.limits_.max_virtual_time = sim::VirtualTime::Zero() + *d;
        }
      }
      if (l.has_max_wall_seconds()) {
        const double w = l.max_wall_seconds();
        if (!std::isfinite(w) || w <= 0) {
          n.Error("max_wall_seconds", absl::StrCat(w,
                                                   " must be a finite number greater than 0 (leave "
                                                   "max_wall_seconds out for no limit)"));
        } else {
          out_.limits_.max_wall_seconds = w;
        }
      }
    }
  }

  std::string UnknownHost(absl::string_view name) const {
    std::string what = absl::StrCat("unknown host ", Quote(name));
    auto it = host_by_folded_name_.find(Fold(name));
    if (it != host_by_folded_name_.end()) {
      absl::StrAppend(&what, " (did you mean ", Quote(s_.hosts(it->second.index).name()), "?)");
    }
    return what;
  }

  // The index of the host named exactly `name`, or -1.
  int HostIndex(absl::string_view name) const {
    auto it = host_by_folded_name_.find(Fold(name));
    if (it == host_by_folded_name_.end() || s_.hosts(it->second.index).name() != name) return -1;
    return it->second.index;
  }

  int InterfaceIndex(int host, absl::string_view name) const {
    const ScenarioHost& h = out_.hosts_[host];
    for (size_t i = 0; i < h.interfaces.size(); ++i) {
      if (h.interfaces[i].name == name) return static_cast<int>(i);
    }
    return -1;
  }

  void Hosts(const Node& root) {
    if (s_.hosts_size() == 0) root.Error("hosts", "a scenario needs at least one host");
    for (int i = 0; i < s_.hosts_size(); ++i) {
      const pb::Host& h = s_.hosts(i);
      const Node n = root.Child(h, "hosts", i);
      ScenarioHost host;
      host.name = h.name();
      if (CheckName(n, "name", h.has_name(), h.name(), "host")) {
        auto [it, inserted] =
            host_by_folded_name_.emplace(Fold(h.name()), HostRef{i, n.At("name")});
        if (!inserted) {
          const std::string& first = s_.hosts(it->second.index).name();
          n.Error("name", first == h.name()
                              ? absl::StrCat("duplicate host name ", Quote(h.name()),
                                             " (first defined at ", it->second.loc.ToString(), ")")
                              : absl::StrCat("duplicate host name ", Quote(h.name()),
                                             " (host names ignore case: ", Quote(first),
                                             " is defined at ", it->second.loc.ToString(), ")"));
        }
      }
      if (h.has_profile() &&
          CheckEnum(n, "profile", h.profile(), "profile_unspecified", "win32 or win16")) {
        host.profile = h.profile();
      }
      Interfaces(h, n, host);
      out_.hosts_.push_back(std::move(host));
      Routes(h, n, out_.hosts_.back());
      if (h.has_catalog()) internal::ValidateCatalog(h.catalog(), n.Child(h.catalog(), "catalog"));
    }
  }

  void Interfaces(const pb::Host& h, const Node& hn, ScenarioHost& host) {
    absl::flat_hash_map<std::string, Loc> names;
    for (int j = 0; j < h.interfaces_size(); ++j) {
      const pb::Interface& itf = h.interfaces(j);
      const Node n = hn.Child(itf, "interfaces", j);
      ScenarioInterface out;
      out.name = itf.name();
      if (CheckName(n, "name", itf.has_name(), itf.name(), "interface")) {
        auto [it, inserted] = names.emplace(itf.name(), n.At("name"));
        if (!inserted) {
          n.Error("name",
                  absl::StrCat("duplicate interface name ", Quote(itf.name()), " in host ",
                               Quote(h.name()), " (first defined at ", it->second.ToString(), ")"));
        }
      }
      for (int k = 0; k < itf.addresses_size(); ++k) {
        absl::StatusOr<IpPrefix> prefix = ParseIpPrefix(itf.addresses(k));
        if (!prefix.ok()) {
          n.Error("addresses", k, prefix.status().message());
          continue;
        }
        std::string why;
        if (!IsUnicast(*prefix, why)) {
          n.Error("addresses", k, absl::StrCat(Quote(itf.addresses(k)), " ", why));
          continue;
        }
        const std::string owner = absl::StrCat(h.name(), ".", itf.name());
        auto [it, inserted] =
            addresses_.emplace(prefix->address, std::make_pair(owner, n.At("addresses", k)));
        if (!inserted) {
          n.Error("addresses", k,
                  absl::StrCat("address ", prefix->address.ToString(), " is already on ",
                               it->second.first, " (at ", it->second.second.ToString(), ")"));
          continue;
        }
        out.addresses.push_back(*prefix);
      }
      host.interfaces.push_back(std::move(out));
    }
  }

  void Routes(const pb::Host& h, const Node& hn, ScenarioHost& host) {
    std::map<IpPrefix, Loc> prefixes;
    for (int j = 0; j < h.routes_size(); ++j) {
      const pb::Route& r = h.routes(j);
      const Node n = hn.Child(r, "routes", j);
      ScenarioRoute route;
      bool ok = true;
      std::optional<IpPrefix> prefix;
      if (!r.has_prefix()) {
        n.Error("prefix", "missing (write 0.0.0.0/0 for a default route)");
        ok = false;
      } else if (absl::StatusOr<IpPrefix> p = ParseIpPrefix(r.prefix()); !p.ok()) {
        n.Error("prefix", p.status().message());
        ok = false;
      } else if (p->HasHostBits()) {
        n.Error("prefix", absl::StrCat(Quote(r.prefix()), " has host bits set (did you mean ",
                                       p->Network().ToString(), "/", p->length, "?)"));
        ok = false;
      } else {
        prefix = *p;
        auto [it, inserted] = prefixes.emplace(*p, n.At("prefix"));
        if (!inserted) {
          n.Error("prefix",
                  absl::StrCat("duplicate route to ", p->ToString(), " in host ", Quote(h.name()),
                               " (first defined at ", it->second.ToString(), ")"));
          ok = false;
        }
      }
      if (r.has_interface()) {
        route.interface = InterfaceIndex(static_cast<int>(out_.hosts_.size()) - 1, r.interface());
        if (route.interface < 0) {
          n.Error("interface", absl::StrCat("host ", Quote(h.name()), " has no interface ",
                                            Quote(r.interface())));
          ok = false;
        }
      }
      if (!r.has_via() && !r.has_interface()) {
        n.ErrorHere("a route needs via (a gateway address) or interface (or both)");
        ok = false;
      }
      if (r.has_via()) {
        absl::StatusOr<IpAddress> via = ParseIpAddress(r.via());
        if (!via.ok()) {
          n.Error("via", via.status().message());
          ok = false;
        } else {
          route.via = *via;
          if (prefix && prefix->address.family != via->family) {
            n.Error("via", absl::StrCat("gateway ", via->ToString(), " is ",
                                        via->is_v4() ? "IPv4" : "IPv6", " but the prefix ",
                                        prefix->ToString(), " is ",
                                        prefix->address.is_v4() ? "IPv4" : "IPv6"));
            ok = false;
          } else if (!GatewayReachable(host, route, *via, n, r)) {
            ok = false;
          }
        }
      }
      if (ok && prefix) {
        route.prefix = *prefix;
        host.routes.push_back(std::move(route));
      }
    }
  }

  bool GatewayReachable(const ScenarioHost& host, const ScenarioRoute& route, const IpAddress& via,
                        const Node& n, const pb::Route& r) {
    std::vector<std::string> connected;
    bool reachable = false;
    for (size_t i = 0; i < host.interfaces.size(); ++i) {
      for (const IpPrefix& a : host.interfaces[i].addresses) {
        if (a.address == via) {
          n.Error("via", absl::StrCat("gateway ", via.ToString(), " is an address of host ",
                                      Quote(host.name), " itself (", host.name, ".",
                                      host.interfaces[i].name, ")"));
          return false;
        }
        if (route.interface >= 0 && static_cast<int>(i) != route.interface) continue;
        if (a.address.family != via.family) continue;
        connected.push_back(IpPrefix{a.Network(), a.length}.ToString());
        if (a.Contains(via)) reachable = true;
      }
    }
    if (reachable) return true;
    const std::string where =
        route.interface >= 0
            ? absl::StrCat("interface ", Quote(r.interface()), " of host ", Quote(host.name))
            : absl::StrCat("host ", Quote(host.name));
    n.Error(
        "via",
        absl::StrCat("gateway ", via.ToString(), " is not in a connected prefix of ", where,
                     connected.empty()
                         ? absl::StrCat(" (it has no ", via.is_v4() ? "IPv4" : "IPv6", " address)")
                         : absl::StrCat(" (", absl::StrJoin(connected, ", "), ")")));
    return false;
  }

  // ---- links

  struct Attachment {
    std::string link;
    Loc loc;
  };

  void Links(const Node& root) {
    absl::flat_hash_map<std::string, Loc> names;
    std::map<std::pair<int, int>, Attachment> attached;  // (host, interface) -> link
    for (int i = 0; i < s_.links_size(); ++i) {
      const pb::Link& l = s_.links(i);
      const Node n = root.Child(l, "links", i);
      ScenarioLink link;
      link.name = l.name();
      if (CheckName(n, "name", l.has_name(), l.name(), "link")) {
        auto [it, inserted] = names.emplace(l.name(), n.At("name"));
        if (!inserted) {
          n.Error("name", absl::StrCat("duplicate link name ", Quote(l.name()),
                                       " (first defined at ", it->second.ToString(), ")"));
        } else {
          link_index_.emplace(l.name(), i);
        }
      }
      if (!l.has_kind()) {
        n.Error("kind", "missing (write point_to_point or segment)");
      } else if (CheckEnum(n, "kind", l.kind(), "kind_unspecified", "point_to_point or segment")) {
        link.kind = l.kind();
      }
      const bool segment = l.has_kind() && l.kind() == pb::Link::segment;
      if (l.has_kind() && l.kind() == pb::Link::point_to_point && l.endpoints_size() != 2) {
        if (l.endpoints_size() > 2) {
          n.Error("endpoints", 2,
                  absl::StrCat("a point_to_point link has exactly 2 endpoints, not ",
                               l.endpoints_size(), " (use kind: segment for more)"));
        } else {
          n.Error("endpoints", absl::StrCat("a point_to_point link has exactly 2 endpoints, not ",
                                            l.endpoints_size()));
        }
      }
      if (segment && l.endpoints_size() < 2) {
        n.Error("endpoints",
                absl::StrCat("a segment has at least 2 endpoints, not ", l.endpoints_size()));
      }
      bool has_ipv6 = false;
      for (int k = 0; k < l.endpoints_size(); ++k) {
        const std::string& text = l.endpoints(k);
        const size_t dot = text.find('.');
        if (dot == std::string::npos) {
          n.Error("endpoints", k,
                  absl::StrCat(Quote(text), " is not host.interface (write ",
                               text.size() <= 63 ? text : "client", ".eth0, ...)"));
          continue;
        }
        const absl::string_view host_name = absl::string_view(text).substr(0, dot);
        const absl::string_view itf_name = absl::string_view(text).substr(dot + 1);
        const int host = HostIndex(host_name);
        if (host < 0) {
          n.Error("endpoints", k, UnknownHost(host_name));
          continue;
        }
        const int itf = InterfaceIndex(host, itf_name);
        if (itf < 0) {
          n.Error("endpoints", k,
                  absl::StrCat("host ", Quote(host_name), " has no interface ", Quote(itf_name)));
          continue;
        }
        auto [it, inserted] =
            attached.emplace(std::make_pair(host, itf), Attachment{l.name(), n.At("endpoints", k)});
        if (!inserted) {
          n.Error("endpoints", k,
                  absl::StrCat(text, " is already on link ", Quote(it->second.link), " (at ",
                               it->second.loc.ToString(), ")"));
          continue;
        }
        ScenarioInterface& si = out_.hosts_[host].interfaces[itf];
        si.link = i;
        for (const IpPrefix& a : si.addresses) has_ipv6 |= !a.address.is_v4();
        link.endpoints.push_back(LinkEndpoint{host, itf});
      }
      link_has_ipv6_.push_back(has_ipv6);

      std::optional<ParsedParams> both, forward, reverse;
      if (l.has_both()) both.emplace(ParseParams(l.both(), n.Child(l.both(), "both")));
      if (l.has_forward()) {
        forward.emplace(ParseParams(l.forward(), n.Child(l.forward(), "forward")));
        if (segment) {
          n.Error("forward", "a segment has one set of parameters: write them in both");
        }
      }
      if (l.has_reverse()) {
        reverse.emplace(ParseParams(l.reverse(), n.Child(l.reverse(), "reverse")));
        if (segment) {
          n.Error("reverse", "a segment has one set of parameters: write them in both");
        }
      }
      Written wf, wr;
      if (both) {
        ApplyParams(*both, link.forward, wf);
        ApplyParams(*both, link.reverse, wr);
      }
      if (forward) ApplyParams(*forward, link.forward, wf);
      if (reverse) ApplyParams(*reverse, link.reverse, wr);
      const std::vector<Problem> pf = CrossCheck(link.forward, wf, has_ipv6);
      if (segment) {
        link.reverse = link.forward;
        ReportProblems(pf, nullptr, both ? &*both : nullptr);
      } else {
        const std::vector<Problem> pr = CrossCheck(link.reverse, wr, has_ipv6);
        ReportProblems(pf, &pr, both ? &*both : nullptr);
      }
      out_.links_.push_back(std::move(link));
    }
  }

  // The link named `name` (reported at field `field` of `n` when unknown), or -1.
  int LinkRef(const Node& n, absl::string_view field, bool has, const std::string& name,
              absl::string_view what) {
    if (!has) {
      n.Error(field, absl::StrCat("missing (every ", what, " names its link)"));
      return -1;
    }
    auto it = link_index_.find(name);
    if (it == link_index_.end()) {
      n.Error(field, absl::StrCat("unknown link ", Quote(name)));
      return -1;
    }
    return it->second;
  }

  // ---- changes

  void Changes(const Node& root) {
    struct Pending {
      int index;
      std::optional<sim::Duration> at;
    };
    std::vector<Pending> pending;
    for (int i = 0; i < s_.changes_size(); ++i) {
      const pb::LinkChange& c = s_.changes(i);
      const Node n = root.Child(c, "changes", i);
      std::optional<sim::Duration> at;
      if (!c.has_at()) {
        n.Error("at", "missing (the virtual time of the change, e.g. \"2s\")");
      } else {
        at = CheckDuration(n, "at", c.at(), false, sim::Duration::Max());
      }
      pending.push_back(Pending{i, at});
    }
    std::stable_sort(pending.begin(), pending.end(), [](const Pending& a, const Pending& b) {
      return a.at.value_or(sim::Duration::Zero()) < b.at.value_or(sim::Duration::Zero());
    });
    std::vector<std::pair<LinkModel, LinkModel>> current;
    for (const ScenarioLink& l : out_.links_) current.emplace_back(l.forward, l.reverse);
    for (const Pending& p : pending) {
      const pb::LinkChange& c = s_.changes(p.index);
      const Node n = root.Child(c, "changes", p.index);
      const int link = LinkRef(n, "link", c.has_link(), c.link(), "change");
      const bool segment = link >= 0 && out_.links_[link].kind == pb::Link::segment;
      ScenarioChange change;
      change.at = sim::VirtualTime::Zero() + p.at.value_or(sim::Duration::Zero());
      change.link = link;
      change.file_index = p.index;
      const pb::LinkParams* params = nullptr;
      const char* field = nullptr;
      switch (c.change_case()) {
        case pb::LinkChange::CHANGE_NOT_SET:
          n.ErrorHere("a change needs one of state, both, forward or reverse");
          break;
        case pb::LinkChange::kState:
          change.what = ScenarioChange::What::kState;
          CheckEnum(n, "state", c.state(), "state_unspecified", "up or down");
          change.up = c.state() != pb::LinkChange::down;
          break;
        case pb::LinkChange::kBoth:
          change.what = ScenarioChange::What::kBoth;
          params = &c.both();
          field = "both";
          break;
        case pb::LinkChange::kForward:
          change.what = ScenarioChange::What::kForward;
          params = &c.forward();
          field = "forward";
          break;
        case pb::LinkChange::kReverse:
          change.what = ScenarioChange::What::kReverse;
          params = &c.reverse();
          field = "reverse";
          break;
      }
      if (params != nullptr) {
        const ParsedParams block = ParseParams(*params, n.Child(*params, field));
        if (segment && change.what != ScenarioChange::What::kBoth) {
          n.Error(field, "a segment has one set of parameters: change them with both");
        }
        if (link >= 0) {
          const bool v6 = link_has_ipv6_[link];
          auto& [fwd, rev] = current[link];
          if (change.what != ScenarioChange::What::kReverse) {
            Written w;
            ApplyParams(block, fwd, w);
            ReportProblems(CrossCheck(fwd, w, v6), nullptr, nullptr);
          }
          if (change.what != ScenarioChange::What::kForward) {
            Written w;
            ApplyParams(block, rev, w);
            ReportProblems(CrossCheck(rev, w, v6), nullptr, nullptr);
          }
        }
      }
      if (link >= 0) {
        change.forward_after = current[link].first;
        change.reverse_after = current[link].second;
      }
      out_.changes_.push_back(std::move(change));
    }
  }

  // ---- faults

  // A host on link `link` named `name` (field `field`), or -1.
  int HostOnLink(const Node& n, absl::string_view field, const std::string& name, int link) {
    const int host = HostIndex(name);
    if (host < 0) {
      n.Error(field, UnknownHost(name));
      return -1;
    }
    if (link < 0) return host;
    for (const LinkEndpoint& e : out_.links_[link].endpoints) {
      if (e.host == host) return host;
    }
    n.Error(field,
            absl::StrCat("host ", Quote(name), " is not on link ", Quote(out_.links_[link].name)));
    return -1;
  }

  void Faults(const Node& root) {
    absl::flat_hash_map<std::string, Loc> names;
    for (int i = 0; i < s_.faults_size(); ++i) {
      const pb::Fault& f = s_.faults(i);
      const Node n = root.Child(f, "faults", i);
      ScenarioFault fault;
      if (f.has_name()) {
        fault.name = f.name();
        if (CheckName(n, "name", true, f.name(), "fault")) {
          auto [it, inserted] = names.emplace(f.name(), n.At("name"));
          if (!inserted) {
            n.Error("name", absl::StrCat("duplicate fault name ", Quote(f.name()),
                                         " (first defined at ", it->second.ToString(), ")"));
          }
        }
      }
      fault.link = LinkRef(n, "link", f.has_link(), f.link(), "fault");
      const bool segment = fault.link >= 0 && out_.links_[fault.link].kind == pb::Link::segment;
      if (f.has_direction()) {
        if (CheckEnum(n, "direction", f.direction(), "direction_unspecified",
                      "forward or reverse")) {
          fault.direction = f.direction();
        }
        if (segment) {
          n.Error("direction", "a segment has no direction: use from_host and/or to_host");
        }
        if (f.has_from_host() || f.has_to_host()) {
          n.Error("direction", "give either direction or from_host/to_host, not both");
        }
      }
      if (f.has_from_host())
        fault.from_host = HostOnLink(n, "from_host", f.from_host(), fault.link);
      if (f.has_to_host()) {
        fault.to_host = HostOnLink(n, "to_host", f.to_host(), fault.link);
        if (fault.to_host >= 0 && fault.to_host == fault.from_host) {
          n.Error("to_host", absl::StrCat("from_host and to_host are both ", Quote(f.to_host())));
        }
      }
      if (f.has_match()) Match(f.match(), n.Child(f.match(), "match"), fault);
      switch (f.occurrence_case()) {
        case pb::Fault::OCCURRENCE_NOT_SET:
          n.ErrorHere("which of the matching packets? write nth, every_nth or range");
          break;
        case pb::Fault::kNth:
          if (CheckInt(n, "nth", f.nth(), 1, INT64_MAX)) {
            fault.first = fault.last = f.nth();
          }
          break;
        case pb::Fault::kEveryNth:
          if (CheckInt(n, "every_nth", f.every_nth(), 1, INT64_MAX)) {
            fault.first = fault.step = f.every_nth();
            fault.last = INT64_MAX;
          }
          break;
        case pb::Fault::kRange: {
          const pb::OccurrenceRange& r = f.range();
          const Node rn = n.Child(r, "range");
          bool ok = true;
          if (!r.has_first()) {
            rn.Error("first", "missing (the first packet to act on, 1-based)");
            ok = false;
          } else {
            ok &= CheckInt(rn, "first", r.first(), 1, INT64_MAX);
          }
          if (!r.has_last()) {
            rn.Error("last", "missing (the last packet to act on, inclusive)");
            ok = false;
          } else if (ok && r.last() < r.first()) {
            rn.Error("last", absl::StrCat(r.last(), " is before first (", r.first(), ")"));
            ok = false;
          }
          if (ok) {
            fault.first = r.first();
            fault.last = r.last();
          }
          break;
        }
      }
      if (!f.has_action()) {
        n.Error("action", "missing (write drop, delay, duplicate or corrupt)");
      } else if (CheckEnum(n, "action", f.action(), "action_unspecified",
                           "drop, delay, duplicate or corrupt")) {
        fault.action = f.action();
      }
      if (f.has_action() && f.action() == pb::Fault::delay) {
        if (!f.has_extra_delay()) {
          n.Error("extra_delay", "missing (action delay needs the added delay, e.g. \"50ms\")");
        } else if (std::optional<sim::Duration> d =
                       CheckDuration(n, "extra_delay", f.extra_delay(), true, kMaxLinkDelay)) {
          fault.extra_delay = *d;
        }
      } else if (f.has_extra_delay()) {
        n.Error("extra_delay", "extra_delay is only for action: delay");
      }
      out_.faults_.push_back(std::move(fault));
    }
  }

  void Match(const pb::PacketMatch& m, const Node& n, ScenarioFault& fault) {
    if (m.has_protocol() &&
        CheckEnum(n, "protocol", m.protocol(), "protocol_unspecified", "tcp or udp")) {
      fault.protocol = m.protocol();
    }
    const bool tcp = m.has_protocol() && m.protocol() == pb::PacketMatch::tcp;
    const bool tcp_or_udp =
        m.has_protocol() && m.protocol() != pb::PacketMatch::protocol_unspecified;
    auto flags = [&](const char* field, bool has, const std::string& text) -> uint8_t {
      if (!has) return 0;
      if (!tcp) n.Error(field, absl::StrCat(field, " needs protocol: tcp"));
      return ParseTcpFlags(n, field, text).value_or(0);
    };
    fault.tcp_flags_set = flags("tcp_flags", m.has_tcp_flags(), m.tcp_flags());
    fault.tcp_flags_clear = flags("tcp_flags_clear", m.has_tcp_flags_clear(), m.tcp_flags_clear());
    if (const uint8_t both = fault.tcp_flags_set & fault.tcp_flags_clear) {
      n.Error("tcp_flags_clear",
              absl::StrCat(FlagNames(both), " cannot be both set (tcp_flags) and clear"));
    }
    auto port = [&](const char* field, bool has, int64_t value) -> int {
      if (!has) return -1;
      if (!tcp_or_udp) n.Error(field, absl::StrCat(field, " needs protocol: tcp or udp"));
      return CheckInt(n, field, value, 0, 65535) ? static_cast<int>(value) : -1;
    };
    fault.src_port = port("src_port", m.has_src_port(), m.src_port());
    fault.dst_port = port("dst_port", m.has_dst_port(), m.dst_port());
    if (m.has_has_payload()) fault.has_payload = m.has_payload();
  }

  // ---- processes

  void Processes(const Node& root) {
    std::map<std::pair<std::string, std::string>, Loc> names;  // (host, name)
    for (int i = 0; i < s_.processes_size(); ++i) {
      const pb::Process& p = s_.processes(i);
      const Node n = root.Child(p, "processes", i);
      ScenarioProcess proc;
      if (!p.has_host()) {
        n.Error("host", "missing (every process names its host)");
      } else {
        proc.host = HostIndex(p.host());
        if (proc.host < 0) {
          n.Error("host", UnknownHost(p.host()));
        } else {
          proc.profile = out_.hosts_[proc.host].profile;
        }
      }
      proc.name = p.name();
      if (CheckName(n, "name", p.has_name(), p.name(), "process")) {
        auto [it, inserted] = names.emplace(std::make_pair(p.host(), p.name()), n.At("name"));
        if (!inserted) {
          n.Error("name",
                  absl::StrCat("duplicate process name ", Quote(p.name()), " on host ",
                               Quote(p.host()), " (first defined at ", it->second.ToString(), ")"));
        }
      }
      proc.program = p.program();
      if (!p.has_program()) {
        n.Error("program", "missing (the guest program to run, e.g. \"echo_server\")");
      } else if (!IsProgramName(p.program())) {
        n.Error("program", absl::StrCat(Quote(p.program()),
                                        " is not a program name (use 1..63 letters, digits, '_', "
                                        "'-' and '.')"));
      }
      proc.args.assign(p.args().begin(), p.args().end());
      if (p.has_start_at()) {
        if (std::optional<sim::Duration> d =
                CheckDuration(n, "start_at", p.start_at(), false, sim::Duration::Max())) {
          proc.start_at = *d;
        }
      }
      if (p.has_instances() && CheckInt(n, "instances", p.instances(), 1, kMaxInstances)) {
        proc.instances = p.instances();
      }
      if (p.has_profile() &&
          CheckEnum(n, "profile", p.profile(), "profile_unspecified", "win32 or win16")) {
        proc.profile = p.profile();
      }
      if (p.has_expected_exit_code()) proc.expected_exit_code = p.expected_exit_code();
      out_.processes_.push_back(std::move(proc));
    }
  }

  Scenario& out_;
  const pb::Scenario& s_;
  Errors& errors_;
  const internal::Source& source_;
  const Node::Tree& tree_;
  absl::flat_hash_map<std::string, HostRef> host_by_folded_name_;  // first definition
  absl::flat_hash_map<std::string, int> link_index_;
  std::vector<bool> link_has_ipv6_;
  std::map<IpAddress, std::pair<std::string, Loc>> addresses_;  // -> owner, place
};

int Scenario::FindHost(absl::string_view name) const {
  for (size_t i = 0; i < hosts_.size(); ++i) {
    if (hosts_[i].name == name) return static_cast<int>(i);
  }
  return -1;
}

int Scenario::FindLink(absl::string_view name) const {
  for (size_t i = 0; i < links_.size(); ++i) {
    if (links_[i].name == name) return static_cast<int>(i);
  }
  return -1;
}

absl::StatusOr<Scenario> LoadScenarioText(absl::string_view text, absl::string_view file_name) {
  constexpr size_t kMaxSize = 64 << 20;
  if (text.size() > kMaxSize) {
    return absl::InvalidArgumentError(absl::StrCat(file_name, ": ", text.size(),
                                                   " bytes is too large for a scenario (the "
                                                   "limit is 64 MiB)"));
  }
  Scenario out;
  Errors errors;
  ParseErrorCollector collector(&errors);
  google::protobuf::TextFormat::ParseInfoTree tree;
  google::protobuf::TextFormat::Parser parser;
  parser.RecordErrorsTo(&collector);
  parser.WriteLocationsTo(&tree);
  parser.SetRecursionLimit(64);
  bool parsed;
  {
    // The parser reports to `collector`; silence anything it would also log.
    google::protobuf::LogSilencer silence;
    google::protobuf::io::ArrayInputStream input(text.data(), static_cast<int>(text.size()));
    parsed = parser.Parse(&input, ScenarioBuilder::MutableProto(out));
  }
  if (!parsed) {
    if (errors.empty()) errors.AddSyntax(0, 0, "not a valid scenario");
    return errors.ToStatus(file_name);
  }
  ScenarioBuilder::SetFileName(out, file_name);
  const internal::Source source(text);
  ScenarioBuilder(out, errors, source, tree).Build();
  if (!errors.empty()) return errors.ToStatus(file_name);
  return out;
}

absl::StatusOr<Scenario> LoadScenarioFile(const std::string& path) {
  std::FILE* f = std::fopen(path.c_str(), "rb");
  if (f == nullptr) {
    const int err = errno;
    const std::string what = absl::StrCat(path, ": cannot open the scenario: ", std::strerror(err));
    return err == ENOENT ? absl::NotFoundError(what) : absl::UnavailableError(what);
  }
  std::string text;
  char buf[1 << 16];
  size_t n;
  while ((n = std::fread(buf, 1, sizeof(buf), f)) > 0) {
    text.append(buf, n);
    if (text.size() > (64u << 20)) break;
  }
  const bool failed = std::ferror(f) != 0;
  const int err = errno;
  std::fclose(f);
  if (failed) {
    return absl::UnavailableError(
        absl::StrCat(path, ": cannot read the scenario: ", std::strerror(err)));
  }
  return LoadScenarioText(text, path);
}

}  // namespace ws2sim::scenarios
