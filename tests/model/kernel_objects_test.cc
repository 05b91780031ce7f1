// Events, thread handles, waits with virtual-time timeouts and APCs (model/kernel_objects.h).
#include "model/kernel_objects.h"

#include <string>
#include <vector>

#include "gtest/gtest.h"

namespace ws2sim::model {
namespace {

using sim::Duration;
using Kind = WaitResult::Kind;

class KernelObjectsTest : public testing::Test {
 protected:
  // Runs `main` as the main thread of a native process "host/test".
  Process* Start(absl::AnyInvocable<int()> main) {
    return processes_.StartNative({.host = "host", .name = "test"},
                                  [main = std::move(main)](const std::vector<std::string>&) mutable {
                                    return main();
                                  });
  }
  int64_t NowMs() { return (scheduler_.Now() - sim::VirtualTime::Zero()).ns() / 1000000; }

  sim::Scheduler scheduler_{{}};
  ProcessTable processes_{scheduler_, nullptr};
  KernelObjects kernel_{scheduler_, processes_};
};

TEST_F(KernelObjectsTest, WaitTimesOutInVirtualTime) {
  WaitResult r;
  int64_t woke_ms = -1;
  Process* p = Start([&] {
    Process& self = *processes_.Current();
    const uint32_t e = kernel_.CreateEventObject(self, true, false);
    r = kernel_.Wait({e}, false, Duration::Milliseconds(250), false);
    woke_ms = NowMs();
    return 0;
  });
  EXPECT_TRUE(scheduler_.Run().ok());
  EXPECT_EQ(r.kind, Kind::kTimeout);
  EXPECT_EQ(woke_ms, 250);
  EXPECT_EQ(p->exit_code(), 0);
}

TEST_F(KernelObjectsTest, SetEventWakesAWaiterAtThatTime) {
  WaitResult r;
  int64_t woke_ms = -1;
  Start([&] {
    Process& self = *processes_.Current();
    const uint32_t e = kernel_.CreateEventObject(self, true, false);
    Thread* setter = processes_.CreateThread(self, [&, e] {
      kernel_.Sleep(Duration::Milliseconds(40), false);
      uint32_t error = 0;
      EXPECT_TRUE(kernel_.SetEvent(*processes_.Current(), e, &error));
      return 0u;
    });
    (void)setter;
    r = kernel_.Wait({e}, false, Duration::Max(), false);
    woke_ms = NowMs();
    return 0;
  });
  EXPECT_TRUE(scheduler_.Run().ok());
  EXPECT_EQ(r.kind, Kind::kSignaled);
  EXPECT_EQ(r.index, 0u);
  EXPECT_EQ(woke_ms, 40);
}

TEST_F(KernelObjectsTest, AutoResetEventReleasesOneWaiterManualResetReleasesAll) {
  for (bool manual : {false, true}) {
    sim::Scheduler s({});
    ProcessTable processes(s, nullptr);
    KernelObjects kernel(s, processes);
    int released = 0;
    processes.StartNative({.host = "h", .name = "p"}, [&](const std::vector<std::string>&) {
      Process& self = *processes.Current();
      const uint32_t e = kernel.CreateEventObject(self, manual, false);
      for (int i = 0; i < 3; ++i) {
        processes.CreateThread(self, [&, e] {
          if (kernel.Wait({e}, false, Duration::Milliseconds(100), false).kind == Kind::kSignaled) {
            ++released;
          }
          return 0u;
        });
      }
      kernel.Sleep(Duration::Milliseconds(10), false);
      uint32_t error = 0;
      kernel.SetEvent(self, e, &error);
      kernel.Sleep(Duration::Milliseconds(200), false);  // outlive the waiters' timeouts
      return 0;
    });
    EXPECT_TRUE(s.Run().ok());
    EXPECT_EQ(released, manual ? 3 : 1) << (manual ? "manual" : "auto");
  }
}

TEST_F(KernelObjectsTest, WaitAnyReportsTheFirstSignaledIndexWaitAllNeedsEvery) {
  WaitResult any, all_early, all;
  Start([&] {
    Process& self = *processes_.Current();
    const uint32_t a = kernel_.CreateEventObject(self, true, false);
    const uint32_t b = kernel_.CreateEventObject(self, true, true);
    any = kernel_.Wait({a, b}, false, Duration::Zero(), false);
    all_early = kernel_.Wait({a, b}, true, Duration::Zero(), false);
    uint32_t error = 0;
    kernel_.SetEvent(self, a, &error);
    all = kernel_.Wait({a, b}, true, Duration::Zero(), false);
    return 0;
  });
  EXPECT_TRUE(scheduler_.Run().ok());
  EXPECT_EQ(any.kind, Kind::kSignaled);
  EXPECT_EQ(any.index, 1u);
  EXPECT_EQ(all_early.kind, Kind::kTimeout);
  EXPECT_EQ(all.kind, Kind::kSignaled);
}

TEST_F(KernelObjectsTest, ThreadHandleIsSignaledWhenTheThreadEnds) {
  WaitResult r;
  int64_t woke_ms = -1;
  uint32_t exit_code = 0;
  Start([&] {
    Process& self = *processes_.Current();
    Thread* worker = processes_.CreateThread(self, [&] {
      kernel_.Sleep(Duration::Milliseconds(30), false);
      return 42u;
    });
    const uint32_t h = kernel_.ThreadHandle(self, *worker);
    r = kernel_.Wait({h}, false, Duration::Max(), false);
    woke_ms = NowMs();
    exit_code = worker->exit_code;
    return 0;
  });
  EXPECT_TRUE(scheduler_.Run().ok());
  EXPECT_EQ(r.kind, Kind::kSignaled);
  EXPECT_EQ(woke_ms, 30);
  EXPECT_EQ(exit_code, 42u);
}

TEST_F(KernelObjectsTest, ApcsRunOnlyInAlertableWaits) {
  std::vector<std::string> log;
  Start([&] {
    Process& self = *processes_.Current();
    Thread* me = processes_.CurrentThread();
    kernel_.QueueApc(*me, [&] { log.push_back("apc"); });
    WaitResult plain = kernel_.Sleep(Duration::Milliseconds(5), false);
    log.push_back(plain.kind == Kind::kTimeout ? "plain sleep timed out" : "?");
    WaitResult alertable = kernel_.Sleep(Duration::Milliseconds(5), true);
    log.push_back(alertable.kind == Kind::kIoCompletion ? "alertable sleep: io completion" : "?");
    // An APC queued while the thread waits alertably wakes it at that time.
    processes_.CreateThread(self, [&, me] {
      kernel_.Sleep(Duration::Milliseconds(7), false);
      kernel_.QueueApc(*me, [&] { log.push_back("late apc at " + std::to_string(NowMs())); });
      return 0u;
    });
    const uint32_t never = kernel_.CreateEventObject(self, true, false);
    WaitResult w = kernel_.Wait({never}, false, Duration::Max(), true);
    log.push_back(w.kind == Kind::kIoCompletion ? "wait: io completion" : "?");
    return 0;
  });
  EXPECT_TRUE(scheduler_.Run().ok());
  EXPECT_EQ(log, (std::vector<std::string>{"plain sleep timed out", "apc",
                                           "alertable sleep: io completion", "late apc at 12",
                                           "wait: io completion"}));
}

TEST_F(KernelObjectsTest, BadHandlesAndBadWaitsFailWithWin32Errors) {
  WaitResult bad_handle, none, too_many;
  uint32_t set_error = 0, close_error = 0;
  bool set_ok = true, close_ok = true, close_twice_ok = true;
  Start([&] {
    Process& self = *processes_.Current();
    bad_handle = kernel_.Wait({0x999}, false, Duration::Zero(), false);
    none = kernel_.Wait({}, false, Duration::Zero(), false);
    std::vector<uint32_t> many;
    for (int i = 0; i < 65; ++i) many.push_back(kernel_.CreateEventObject(self, true, false));
    too_many = kernel_.Wait(many, false, Duration::Zero(), false);
    set_ok = kernel_.SetEvent(self, 0x998, &set_error);
    close_ok = kernel_.CloseHandle(self, many[0], &close_error);
    close_twice_ok = kernel_.CloseHandle(self, many[0], &close_error);
    return 0;
  });
  EXPECT_TRUE(scheduler_.Run().ok());
  EXPECT_EQ(bad_handle.kind, Kind::kFailed);
  EXPECT_EQ(bad_handle.error, kErrorInvalidHandle);
  EXPECT_EQ(none.error, kErrorInvalidParameter);
  EXPECT_EQ(too_many.error, kErrorInvalidParameter);
  EXPECT_FALSE(set_ok);
  EXPECT_EQ(set_error, kErrorInvalidHandle);
  EXPECT_TRUE(close_ok);
  EXPECT_FALSE(close_twice_ok);
}

TEST_F(KernelObjectsTest, HandlesAreMultiplesOfFourNeverReused) {
  std::vector<uint32_t> handles;
  Start([&] {
    Process& self = *processes_.Current();
    for (int i = 0; i < 3; ++i) {
      const uint32_t h = kernel_.CreateEventObject(self, true, false);
      handles.push_back(h);
      uint32_t error;
      kernel_.CloseHandle(self, h, &error);
    }
    return 0;
  });
  EXPECT_TRUE(scheduler_.Run().ok());
  EXPECT_EQ(handles, (std::vector<uint32_t>{0x100, 0x104, 0x108}));
}

TEST_F(KernelObjectsTest, AnotherProcesssHandleIsInvalidHere) {
  uint32_t foreign = 0, error = 0;
  bool set_ok = true;
  WaitResult w;
  Start([&] {
    foreign = kernel_.CreateEventObject(*processes_.Current(), true, true);
    kernel_.Sleep(Duration::Milliseconds(10), false);
    return 0;
  });
  processes_.StartNative({.host = "host", .name = "other", .start_at = Duration::Milliseconds(1)},
                         [&](const std::vector<std::string>&) {
                           set_ok = kernel_.SetEvent(*processes_.Current(), foreign, &error);
                           w = kernel_.Wait({foreign}, false, Duration::Zero(), false);
                           return 0;
                         });
  EXPECT_TRUE(scheduler_.Run().ok());
  EXPECT_FALSE(set_ok);
  EXPECT_EQ(error, kErrorInvalidHandle);
  EXPECT_EQ(w.kind, Kind::kFailed);
}

TEST_F(KernelObjectsTest, ExitFromAThreadEndsTheProcessAndItsOtherThreads) {
  bool other_finished_normally = false;
  Process* p = Start([&] {
    Process& self = *processes_.Current();
    processes_.CreateThread(self, [&] {
      kernel_.Sleep(Duration::Seconds(10), false);
      other_finished_normally = true;
      return 0u;
    });
    kernel_.Sleep(Duration::Milliseconds(1), false);
    return 5;  // main returns: the process ends, the sleeping thread is terminated
  });
  EXPECT_TRUE(scheduler_.Run().ok());
  EXPECT_EQ(p->exit_code(), 5);
  EXPECT_FALSE(other_finished_normally);
  EXPECT_EQ(NowMs(), 1);
  for (Thread* t : p->threads()) EXPECT_TRUE(t->finished);
}

}  // namespace
}  // namespace ws2sim::model
