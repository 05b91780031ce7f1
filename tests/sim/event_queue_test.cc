#include "sim/event_queue.h"

#include <algorithm>
#include <vector>

#include "gtest/gtest.h"
#include "sim/rng.h"

namespace ws2sim::sim {
namespace {

// Drives the queue as the scheduler does (pushes never below the current minimum, except after a
// peek) and checks every pop against a stable sort by time of everything pushed.
TEST(EventQueue, PopsInTimeThenPushOrder) {
  EventQueue q;
  Rng rng(11);
  struct Pushed {
    int64_t time;
    uint32_t id;
  };
  std::vector<Pushed> model;  // pending, in push order
  uint32_t next_id = 0;
  int64_t now = 0;
  for (int step = 0; step < 200000; ++step) {
    if (model.empty() || rng.Bernoulli(0.55)) {
      const int64_t delay = rng.Bernoulli(0.3) ? 0 : rng.UniformRange(1, int64_t{1} << rng.UniformBelow(45));
      const int64_t t = now + delay + (rng.Bernoulli(0.3) ? 1 : 0);
      q.Push(QueueEntry{t, next_id, 0});
      model.push_back({t, next_id++});
    } else {
      auto it = std::min_element(model.begin(), model.end(),
                                 [](const Pushed& a, const Pushed& b) { return a.time < b.time; });
      const QueueEntry e = q.Pop();
      ASSERT_EQ(e.slot, it->id) << "step " << step;
      ASSERT_EQ(e.time_ns, it->time);
      now = e.time_ns;
      model.erase(it);
    }
    ASSERT_EQ(q.size(), model.size());
  }
}

TEST(EventQueue, AnEarlierPushAfterAPeekRebasesAndKeepsOrder) {
  EventQueue q;
  q.Push({100, 1, 0});
  q.Push({100, 2, 0});
  q.Push({300, 3, 0});
  EXPECT_EQ(q.Top().time_ns, 100);  // the minimum is now 100
  q.Push({50, 4, 0});               // earlier than the minimum: rebase
  q.Push({100, 5, 0});
  std::vector<uint32_t> order;
  while (!q.empty()) order.push_back(q.Pop().slot);
  EXPECT_EQ(order, (std::vector<uint32_t>{4, 1, 2, 5, 3}));
}

TEST(EventQueue, MoreAtCurrentMinimumTellsWhenEqualTimesAreUsedUp) {
  EventQueue q;
  q.Push({10, 1, 0});
  q.Push({10, 2, 0});
  q.Push({20, 3, 0});
  q.Pop();
  EXPECT_TRUE(q.MoreAtCurrentMinimum());
  q.Pop();
  EXPECT_FALSE(q.MoreAtCurrentMinimum());
  q.Push({15, 4, 0});  // still >= the minimum 10: no rebase needed
  EXPECT_EQ(q.Pop().slot, 4u);
}

}  // namespace
}  // namespace ws2sim::sim
