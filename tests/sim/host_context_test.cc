// sim::ScopedHost across fiber parks (sim/host_context.h, Scheduler::SwitchTo): each fiber sees its
// own host and process whenever it runs; event callbacks see none. Regression test for 499a2cb
// (a resumed fiber saw the host/pid of the fiber that parked last).
#include "sim/host_context.h"

#include <string>
#include <tuple>
#include <vector>

#include "gtest/gtest.h"
#include "sim/net/network.h"
#include "sim/scheduler.h"

namespace ws2sim::sim {
namespace {

// Where a look was taken, and the host (its name, "-" for none) and process id it saw.
using Seen = std::tuple<std::string, std::string, uint32_t>;

TEST(HostContext, Regression499a2cb_AResumedFiberSeesItsOwnHostAndPidNotTheLastParkersOnes) {
  Scheduler s({});
  net::Network network(s);
  net::Host* const alpha = *network.AddHost("alpha");
  net::Host* const beta = *network.AddHost("beta");
  std::vector<Seen> seen;
  auto look = [&](const char* where) {
    seen.emplace_back(where, CurrentHost() == nullptr ? "-" : CurrentHost()->name(),
                      CurrentProcessId());
  };
  // A parks inside its context, B parks inside another; they resume A, B, A.
  const FiberId a = s.Spawn("a", [&] {
    ScopedHost context(alpha, 0x1000);
    s.Park("a first");
    look("a after first park");
    {
      ScopedHost nested(beta, 0x1008);  // a nested context survives a park too
      s.Park("a second");
      look("a nested after second park");
    }
    look("a after nested");
  });
  const FiberId b = s.Spawn("b", [&] {
    ScopedHost context(beta, 0x1004);
    s.Park("b");
    look("b after park");
  });
  s.ScheduleAt(VirtualTime::FromNanoseconds(10), 0, [&] {
    look("event before a resumes");
    s.Unpark(a);
  });
  s.ScheduleAt(VirtualTime::FromNanoseconds(20), 0, [&] { s.Unpark(b); });
  s.ScheduleAt(VirtualTime::FromNanoseconds(30), 0, [&] { s.Unpark(a); });
  s.ScheduleAt(VirtualTime::FromNanoseconds(40), 0, [&] { look("event after all"); });
  ASSERT_TRUE(s.Run().ok());

  const std::vector<Seen> want = {
      {"event before a resumes", "-", 0},
      {"a after first park", "alpha", 0x1000},
      {"b after park", "beta", 0x1004},
      {"a nested after second park", "beta", 0x1008},
      {"a after nested", "alpha", 0x1000},
      {"event after all", "-", 0},
  };
  EXPECT_EQ(seen, want);
  EXPECT_EQ(CurrentHost(), nullptr);  // nothing leaks out of the run
  EXPECT_EQ(CurrentProcessId(), 0u);
}

}  // namespace
}  // namespace ws2sim::sim
