#include "scenarios/scenario_run.h"

#include <memory>

#include "absl/strings/ascii.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "scenarios/world.h"
#include "sim/build_id.h"
#include "sim/stack_guard.h"

namespace ws2sim::scenarios {
namespace {

namespace net = sim::net;

absl::Status Unsupported(const Scenario& scenario, absl::string_view what) {
  return absl::InvalidArgumentError(
      absl::StrCat(scenario.file_name(), ": ", what, " is not supported by this build"));
}

// The network model of one direction. netem's correlations are not modelled: a scenario that
// asks for them is refused rather than run without them.
absl::StatusOr<net::LinkParams> ToParams(const Scenario& scenario, const ScenarioLink& link,
                                         const LinkModel& m) {
  if (m.delay_correlation != 0 || m.loss_correlation != 0 || m.duplicate_correlation != 0 ||
      m.reorder_correlation != 0 || m.corrupt_correlation != 0) {
    return Unsupported(scenario, absl::StrCat("link '", link.name, "': netem correlation"));
  }
  net::LinkParams p;
  p.delay_ns = m.delay.ns();
  p.jitter_ns = m.jitter.ns();
  switch (m.jitter_distribution) {
    case pb::LinkParams::normal: p.distribution = net::DelayDistribution::kNormal; break;
    case pb::LinkParams::pareto: p.distribution = net::DelayDistribution::kPareto; break;
    case pb::LinkParams::paretonormal:
      p.distribution = net::DelayDistribution::kParetoNormal;
      break;
    default: p.distribution = net::DelayDistribution::kUniform; break;
  }
  p.loss_percent = m.loss;
  if (m.gilbert_elliott) {
    p.loss_gemodel = net::GilbertElliott{m.gilbert_elliott->p, m.gilbert_elliott->r,
                                         m.gilbert_elliott->one_minus_h,
                                         m.gilbert_elliott->one_minus_k};
  }
  p.duplicate_percent = m.duplicate;
  p.reorder_percent = m.reorder;
  p.reorder_gap = static_cast<uint32_t>(m.gap);
  p.corrupt_percent = m.corrupt;
  p.rate_bytes_per_s = static_cast<uint64_t>(m.rate_bits_per_second / 8);
  p.limit_packets = static_cast<uint64_t>(m.limit);
  p.mtu_bytes = static_cast<uint32_t>(m.mtu);
  return p;
}

net::Attachment AttachmentOf(const Scenario& scenario, const LinkEndpoint& e) {
  const ScenarioHost& host = scenario.hosts()[e.host];
  const ScenarioInterface& interface = host.interfaces[e.interface];
  net::Attachment a{.host = host.name, .interface = interface.name};
  for (const IpPrefix& p : interface.addresses) {
    a.addresses.push_back(absl::StrCat(p.address.ToString(), "/", p.length));
  }
  return a;
}

// Writes a scenario's registry tree (rooted at the Winsock2 key) into a machine's registry.
void WriteRegistry(model::Registry& registry, const std::string& path, const pb::RegistryKey& key) {
  registry.CreateKey(path);
  for (const pb::RegistryValue& v : key.values()) {
    switch (v.data_case()) {
      case pb::RegistryValue::kSz: registry.SetString(path, v.name(), v.sz()); break;
      case pb::RegistryValue::kDword: registry.SetDword(path, v.name(), v.dword()); break;
      case pb::RegistryValue::kExpandSz:
        registry.SetRaw(path, v.name(), model::RegType::kExpandSz, v.expand_sz());
        break;
      case pb::RegistryValue::kMultiSz: {
        std::string data;
        for (const std::string& s : v.multi_sz().strings()) absl::StrAppend(&data, s, std::string(1, '\0'));
        registry.SetRaw(path, v.name(), model::RegType::kMultiSz, data);
        break;
      }
      case pb::RegistryValue::kBinary:
        registry.SetRaw(path, v.name(), model::RegType::kBinary, v.binary());
        break;
      case pb::RegistryValue::kQword:
        registry.SetRaw(path, v.name(), model::RegType::kQword, absl::StrCat(v.qword()));
        break;
      case pb::RegistryValue::DATA_NOT_SET: break;
    }
  }
  for (const pb::RegistryKey& sub : key.keys()) {
    WriteRegistry(registry, absl::StrCat(path, "\\", sub.name()), sub);
  }
}

absl::Status AddLinks(const Scenario& scenario, World& world) {
  for (const ScenarioLink& link : scenario.links()) {
    absl::StatusOr<net::LinkParams> forward = ToParams(scenario, link, link.forward);
    if (!forward.ok()) return forward.status();
    if (link.kind == pb::Link::segment) {
      net::SegmentSpec spec{.name = link.name, .params = *forward};
      for (const LinkEndpoint& e : link.endpoints) spec.members.push_back(AttachmentOf(scenario, e));
      if (absl::Status s = world.network().AddSegment(spec); !s.ok()) return s;
      continue;
    }
    net::LinkSpec spec{.name = link.name,
                       .a = AttachmentOf(scenario, link.endpoints[0]),
                       .b = AttachmentOf(scenario, link.endpoints[1]),
                       .params = *forward};
    if (absl::Status s = world.network().AddLink(spec); !s.ok()) return s;
    if (!(link.reverse == link.forward)) {
      absl::StatusOr<net::LinkParams> reverse = ToParams(scenario, link, link.reverse);
      if (!reverse.ok()) return reverse.status();
      if (absl::Status s = world.network().SetLinkParams(link.name, spec.b.host, spec.a.host,
                                                         *reverse);
          !s.ok()) {
        return s;
      }
    }
  }
  return absl::OkStatus();
}

absl::Status AddRoutes(const Scenario& scenario, World& world) {
  for (const ScenarioHost& host : scenario.hosts()) {
    net::Host* h = world.network().FindHost(host.name);
    for (const ScenarioRoute& r : host.routes) {
      const std::string destination =
          absl::StrCat(r.prefix.address.ToString(), "/", r.prefix.length);
      const std::string via = r.via ? r.via->ToString() : host.interfaces[r.interface].name;
      if (absl::Status s = h->AddRoute(destination, via); !s.ok()) return s;
    }
  }
  return absl::OkStatus();
}

absl::Status AddFaults(const Scenario& scenario, World& world) {
  for (const ScenarioFault& f : scenario.faults()) {
    const ScenarioLink& link = scenario.links()[f.link];
    if (f.has_payload) return Unsupported(scenario, "a fault matching on payload presence");
    net::FaultRule rule;
    if (f.direction) {
      const int from = *f.direction == pb::Fault::forward ? 0 : 1;
      rule.from_host = scenario.hosts()[link.endpoints[from].host].name;
      rule.to_host = scenario.hosts()[link.endpoints[1 - from].host].name;
    }
    if (f.from_host >= 0) rule.from_host = scenario.hosts()[f.from_host].name;
    if (f.to_host >= 0) rule.to_host = scenario.hosts()[f.to_host].name;
    if (f.protocol) rule.protocol = *f.protocol == pb::PacketMatch::tcp ? net::kProtoTcp : net::kProtoUdp;
    rule.tcp_flags_set = f.tcp_flags_set;
    rule.tcp_flags_clear = f.tcp_flags_clear;
    if (f.src_port >= 0) rule.src_port = static_cast<uint16_t>(f.src_port);
    if (f.dst_port >= 0) rule.dst_port = static_cast<uint16_t>(f.dst_port);
    rule.count = f.first == f.last ? net::FaultCount::Nth(static_cast<uint64_t>(f.first))
                 : f.step > 1      ? net::FaultCount::Every(static_cast<uint64_t>(f.step))
                                   : net::FaultCount::Range(static_cast<uint64_t>(f.first),
                                                            static_cast<uint64_t>(f.last));
    switch (f.action) {
      case pb::Fault::delay:
        rule.action = net::FaultAction::kDelay;
        rule.delay_ns = f.extra_delay.ns();
        break;
      case pb::Fault::duplicate: rule.action = net::FaultAction::kDuplicate; break;
      case pb::Fault::corrupt: rule.action = net::FaultAction::kCorrupt; break;
      default: rule.action = net::FaultAction::kDrop; break;
    }
    absl::StatusOr<const net::FaultState*> added = world.network().AddFault(link.name, rule);
    if (!added.ok()) return added.status();
  }
  return absl::OkStatus();
}

absl::Status ScheduleChanges(const Scenario& scenario, World& world) {
  for (const ScenarioChange& c : scenario.changes()) {
    const ScenarioLink& link = scenario.links()[c.link];
    if (c.what == ScenarioChange::What::kState) {
      if (absl::Status s = world.network().ScheduleLinkUp(link.name, c.at, c.up); !s.ok()) return s;
      continue;
    }
    absl::StatusOr<net::LinkParams> forward = ToParams(scenario, link, c.forward_after);
    if (!forward.ok()) return forward.status();
    absl::StatusOr<net::LinkParams> reverse = ToParams(scenario, link, c.reverse_after);
    if (!reverse.ok()) return reverse.status();
    // Every direction of the link takes the model the change leaves it with.
    std::vector<std::pair<std::string, std::string>> directions;
    for (const net::DirectionReport& d : world.network().Directions()) {
      if (d.link == link.name) directions.emplace_back(d.from_host, d.to_host);
    }
    const std::string first_host = scenario.hosts()[link.endpoints[0].host].name;
    net::Network* network = &world.network();
    for (auto& [from, to] : directions) {
      const net::LinkParams params = from == first_host || link.kind == pb::Link::segment
                                         ? *forward
                                         : *reverse;
      auto apply = [network, name = link.name, from = from, to = to, params] {
        (void)network->SetLinkParams(name, from, to, params);
      };
      auto holder = std::make_shared<decltype(apply)>(std::move(apply));
      world.scheduler().ScheduleAt(c.at, 0, [holder] { (*holder)(); });
    }
  }
  return absl::OkStatus();
}

}  // namespace

bool RunReport::ok() const {
  if (!run.ok()) return false;
  for (const ProcessReport& p : processes) {
    if (!p.ok()) return false;
  }
  return true;
}

absl::StatusOr<RunReport> RunScenario(const Scenario& scenario, RunOptions options) {
  for (const ScenarioProcess& p : scenario.processes()) {
    if (p.profile == pb::win16) {
      return Unsupported(scenario, absl::StrCat("process '", p.name, "': the Win16 profile"));
    }
  }
  absl::StatusOr<sim::ChosenStrategy> chosen = sim::ChooseStrategy(
      options.strategy, options.seed.value_or(scenario.seed().value_or(1)),
      options.replay_schedule);
  if (!chosen.ok()) return chosen.status();

  RunReport report;
  report.scenario = scenario.name();
  report.seed = chosen->seed;
  if (!options.command_line.empty()) {
    sim::SetCrashContext(absl::StrCat(options.command_line, "  (seed ", chosen->seed, ", strategy ",
                                      chosen->name, ")"));
  }
  std::unique_ptr<trace::Recorder> recorder;
  if (!options.trace_path.empty()) {
    trace::pb::TraceHeader header;
    header.set_scenario(scenario.file_name());
    header.set_seed(chosen->seed);
    header.set_strategy(chosen->name);
    header.set_build_id(std::string(BuildId()));
    header.set_replay_schedule(options.replay_schedule);
    absl::StatusOr<std::unique_ptr<trace::Recorder>> opened =
        trace::Recorder::Open(options.trace_path, header);
    if (!opened.ok()) return opened.status();
    recorder = *std::move(opened);
  }

  providers::tcpip::TcpipProvider::Options tcpip;
  tcpip.somaxconn = options.somaxconn.value_or(scenario.somaxconn().value_or(5));
  if (scenario.accept_defer_timeout()) tcpip.accept_defer_timeout = *scenario.accept_defer_timeout();
  tcpip.fd_close_waits_for_data = scenario.fd_close_waits_for_data();
  {
    World world({.seed = chosen->seed,
                 .strategy = std::move(chosen->strategy),
                 .recorder = recorder.get(),
                 .limits = scenario.limits(),
                 .echo = options.echo,
                 .tcpip = tcpip,
                 .guests_dir = options.guests_dir});
    for (size_t i = 0; i < scenario.hosts().size(); ++i) {
      const ScenarioHost& host = scenario.hosts()[i];
      absl::StatusOr<net::Host*> added = world.AddHost(host.name);
      if (!added.ok()) return added.status();
      if (scenario.proto().hosts(static_cast<int>(i)).has_catalog()) {
        const pb::Catalog& catalog = scenario.proto().hosts(static_cast<int>(i)).catalog();
        if (catalog.has_ini()) return Unsupported(scenario, "a WINSOCK2.INI catalog (Win16)");
        model::Machine* machine = world.runtime().FindMachine(host.name);
        machine->registry().DeleteKey(model::kWinsock2Key);  // the scenario's catalog instead
        WriteRegistry(machine->registry(), model::kWinsock2Key, catalog.registry());
      }
    }
    for (absl::Status s : {AddLinks(scenario, world), AddRoutes(scenario, world),
                           AddFaults(scenario, world), ScheduleChanges(scenario, world)}) {
      if (!s.ok()) return s;
    }
    std::vector<std::pair<model::Process*, const ScenarioProcess*>> started;
    for (const ScenarioProcess& p : scenario.processes()) {
      const std::string& host = scenario.hosts()[p.host].name;
      for (int64_t k = 1; k <= p.instances; ++k) {
        const std::string name = p.instances == 1 ? p.name : absl::StrCat(p.name, "#", k);
        absl::StatusOr<model::Process*> process =
            world.StartProgram(host, name, p.program, p.args, p.start_at);
        if (!process.ok()) {
          return absl::InvalidArgumentError(absl::StrCat(scenario.file_name(), ": process '",
                                                         name, "': ", process.status().message()));
        }
        started.emplace_back(*process, &p);
      }
    }
    report.run = world.Run();
    for (auto& [process, spec] : started) {
      report.processes.push_back(ProcessReport{process->spec().host, process->spec().name,
                                               spec->program, process->exit_code(),
                                               spec->expected_exit_code.value_or(0)});
    }
    for (const net::DirectionReport& d : world.network().Directions()) {
      if (d.link == "lo") continue;
      report.links.push_back(LinkReport{d.link, d.from_host, d.to_host, d.counters->sent.packets,
                                        d.counters->sent.bytes, d.counters->delivered.packets,
                                        d.counters->dropped.total().packets});
    }
    if (recorder != nullptr) {
      recorder->End(world.scheduler().Now(), report.run.reason, report.run.schedule_id,
                    report.run.message, report.run.events);
    }
  }
  if (recorder != nullptr) {
    report.trace_records = recorder->records();
    report.trace_bytes = recorder->bytes();
    if (absl::Status s = recorder->Close(); !s.ok()) return s;
  }
  return report;
}

std::string FormatReport(const RunReport& report, absl::string_view scenario_path) {
  std::string name = trace::pb::StopReason_Name(report.run.reason);
  if (name.rfind("STOP_", 0) == 0) name = absl::AsciiStrToLower(name.substr(5));
  std::string out = absl::StrFormat("%s: %s at virtual time %s after %d events\n",
                                    report.scenario, report.ok() ? "passed" : "FAILED",
                                    report.run.end_time.ToString(), report.run.events);
  if (name != "completed") absl::StrAppend(&out, "  run stopped: ", name, "\n");
  if (!report.run.message.empty()) absl::StrAppend(&out, "  ", report.run.message, "\n");
  for (const LinkReport& l : report.links) {
    absl::StrAppendFormat(&out, "  link %s %s->%s: %d packets (%d bytes) sent, %d delivered, %d dropped\n",
                          l.link, l.from_host, l.to_host, l.packets_sent, l.bytes_sent,
                          l.packets_delivered, l.packets_dropped);
  }
  for (const ProcessReport& p : report.processes) {
    absl::StrAppendFormat(&out, "  process %s/%s (%s): %s%s\n", p.host, p.name, p.program,
                          p.exit_code ? absl::StrCat("exit code ", *p.exit_code) : "did not exit",
                          p.ok() ? "" : absl::StrCat(" (expected ", p.expected_exit_code, ")"));
  }
  if (report.trace_records > 0) {
    absl::StrAppendFormat(&out, "  trace: %d records, %d bytes\n", report.trace_records,
                          report.trace_bytes);
  }
  absl::StrAppend(&out, "  schedule: ", report.run.schedule_id, "\n  replay with: ws2sim run ",
                  scenario_path, " --schedule=", report.run.schedule_id, "\n");
  return out;
}

}  // namespace ws2sim::scenarios
