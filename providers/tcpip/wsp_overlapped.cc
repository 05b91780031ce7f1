// The tcpip provider's overlapped operations (S1 §3.1.20-3.1.25, §4.5; SPEC 2.19; D-14,
// D-49..D-55; ): each socket's pending operations, their completion (the status in
// the WSAOVERLAPPED, then the completion routine as an APC of the issuing thread or the event
// signalled), cancellation at close, and WSPGetOverlappedResult. What an operation moves is the
// data functions' business (wsp_data.cc hands in an OverlappedTransfer).
//
// Invariants:
//  - Operations of one direction complete in submission order (receives fill their buffers in the
//    order posted, sends go out in order: R-15); each completes exactly once.
//  - At most one completion routine per socket is queued or running at a time, so routines of one
//    socket never nest; the next is queued when the previous returns.
#include <deque>
#include <memory>
#include <utility>
#include <vector>

#include "absl/container/btree_map.h"
#include "absl/strings/str_cat.h"
#include "providers/tcpip/wsp_internal.h"

namespace ws2sim::providers::tcpip {

// One pending operation.
struct OverlappedOperation {
  uint64_t sequence = 0;  // submission order on its socket
  OverlappedTransfer transfer;
  LPWSAOVERLAPPED overlapped = nullptr;
  LPWSAOVERLAPPED_COMPLETION_ROUTINE routine = nullptr;
  WSATHREADID thread{};  // the issuing thread (WPUOpenCurrentThread), when there is a routine
  DWORD bytes = 0;
  INT flags = 0;
};

// A completion routine due to run, with its arguments and its thread.
struct OverlappedDelivery {
  sim::Scheduler* scheduler = nullptr;  // for the trace
  SOCKET socket = 0;
  LPWSAOVERLAPPED_COMPLETION_ROUTINE routine = nullptr;
  WSATHREADID thread{};
  DWORD error = 0;
  DWORD bytes = 0;
  LPWSAOVERLAPPED overlapped = nullptr;
  DWORD flags = 0;
};

struct OverlappedQueue {
  std::deque<std::unique_ptr<OverlappedOperation>> receives;
  std::deque<std::unique_ptr<OverlappedOperation>> sends;
  uint64_t next_sequence = 0;
  bool progressing = false;  // a transfer is running: no re-entry from the events it causes
  std::deque<OverlappedDelivery> deliveries;  // completed, routine not yet queued; in order
  bool delivering = false;  // a routine of this socket is queued as an APC or running

  std::deque<std::unique_ptr<OverlappedOperation>>& of(OverlappedDirection d) {
    return d == OverlappedDirection::kReceive ? receives : sends;
  }
  size_t pending() const { return receives.size() + sends.size(); }
};

namespace {

// A routine queued as an APC, found again by the APC's context (a key never reused in the
// process, so a record whose APC never ran, its thread having ended, never meets a later one).
struct QueuedRoutine {
  std::shared_ptr<OverlappedQueue> queue;
  OverlappedDelivery delivery;
};
absl::btree_map<uint64_t, QueuedRoutine>& QueuedRoutines() {
  static auto* routines = new absl::btree_map<uint64_t, QueuedRoutine>();
  return *routines;
}
uint64_t g_next_routine_key = 1;

// A trace Note on the calling fiber's lane: `text`, the socket and a value.
void TraceNote(sim::Scheduler& scheduler, const char* text, SOCKET s, int64_t value) {
  trace::Recorder* rec = scheduler.recorder();
  if (rec == nullptr) return;
  rec->Note(scheduler.Now(), scheduler.FiberLane(scheduler.CurrentFiber()), rec->Intern(text), s,
            value);
}

void CloseThread(WSATHREADID* thread) {
  int ignored = 0;
  g_upcalls.lpWPUCloseThread(thread, &ignored);
}

void DeliverNext(const std::shared_ptr<OverlappedQueue>& q);

// The APC: runs one completion routine (S1 §3.1.20: dwError, cbTransferred, lpOverlapped and the
// flags), then lets the socket's next routine be queued.
void CALLBACK RunRoutine(DWORD_PTR key) {
  auto it = QueuedRoutines().find(key);
  if (it == QueuedRoutines().end()) return;
  QueuedRoutine r = std::move(it->second);
  QueuedRoutines().erase(it);
  const OverlappedDelivery& d = r.delivery;
  TraceNote(*d.scheduler, "completion routine runs (error)", d.socket, d.error);
  d.routine(d.error, d.bytes, d.overlapped, d.flags);
  TraceNote(*d.scheduler, "completion routine returned", d.socket, 0);
  CloseThread(&r.delivery.thread);
  r.queue->delivering = false;
  DeliverNext(r.queue);
}

// Queues the socket's next routine to its thread (WPUQueueApc, S1 §4.5) unless one is queued or
// running. A routine whose thread has ended is dropped.
void DeliverNext(const std::shared_ptr<OverlappedQueue>& q) {
  while (!q->delivering && !q->deliveries.empty()) {
    const uint64_t key = g_next_routine_key++;
    QueuedRoutine& r = QueuedRoutines()[key] = QueuedRoutine{q, q->deliveries.front()};
    q->deliveries.pop_front();
    int error = 0;
    if (g_upcalls.lpWPUQueueApc(&r.delivery.thread, &RunRoutine, key, &error) == 0) {
      q->delivering = true;
    } else {
      CloseThread(&r.delivery.thread);
      QueuedRoutines().erase(key);
    }
  }
}

// Ends `op` with `status` (0 or a WSA error): the result goes into its WSAOVERLAPPED, then its
// routine is queued or its event signalled (D-50, D-52), and WSPGetOverlappedResult waiters wake.
void Complete(TcpipSocket* s, const std::shared_ptr<OverlappedQueue>& q,
              std::unique_ptr<OverlappedOperation> op, int status) {
  LPWSAOVERLAPPED o = op->overlapped;
  o->InternalHigh = op->bytes;
  o->OffsetHigh = static_cast<DWORD>(op->flags);
  o->Internal = static_cast<DWORD>(status);
  if (op->routine != nullptr) {
    q->deliveries.push_back(OverlappedDelivery{&s->stack->scheduler(), s->handle, op->routine,
                                               op->thread, static_cast<DWORD>(status), op->bytes,
                                               o, static_cast<DWORD>(op->flags)});
    DeliverNext(q);
  } else if (o->hEvent != nullptr) {
    int ignored = 0;
    g_upcalls.lpWPUSetEvent(o->hEvent, &ignored);
  }
  for (sim::FiberId f : std::vector<sim::FiberId>(s->waiters)) s->stack->scheduler().Unpark(f);
}

bool PendingOn(const TcpipSocket& s, LPWSAOVERLAPPED overlapped) {
  if (s.overlapped_ops == nullptr) return false;
  for (const auto* list : {&s.overlapped_ops->receives, &s.overlapped_ops->sends}) {
    for (const auto& op : *list) {
      if (op->overlapped == overlapped) return true;
    }
  }
  return false;
}

// `overlapped` is still in flight on a socket of the same process.
bool InFlight(const TcpipSocket& s, LPWSAOVERLAPPED overlapped) {
  for (const TcpipSocket* other : s.stack->SocketsOf(s.owner_pid)) {
    if (PendingOn(*other, overlapped)) return true;
  }
  return false;
}

}  // namespace

int SubmitOverlapped(TcpipSocket* s, OverlappedDirection direction, OverlappedTransfer transfer,
                     LPDWORD bytes, LPINT flags, LPWSAOVERLAPPED overlapped,
                     LPWSAOVERLAPPED_COMPLETION_ROUTINE routine, LPINT error) {
  if (InFlight(*s, overlapped)) {
    TraceNote(s->stack->scheduler(),
              "scenario error (R-27): a WSAOVERLAPPED still in flight was reused", s->handle, 0);
    return Fail(error, WSAEINVAL);
  }
  if (s->overlapped_ops == nullptr) s->overlapped_ops = std::make_shared<OverlappedQueue>();
  const std::shared_ptr<OverlappedQueue> q = s->overlapped_ops;
  if (q->pending() >= kMaxPendingOverlapped) return Fail(error, WSAEWOULDBLOCK);
  auto op = std::make_unique<OverlappedOperation>();
  op->sequence = q->next_sequence++;
  op->transfer = std::move(transfer);
  op->overlapped = overlapped;
  op->routine = routine;
  if (routine != nullptr && g_upcalls.lpWPUOpenCurrentThread(&op->thread, error) != 0) {
    return SOCKET_ERROR;
  }
  overlapped->Internal = WSS_OPERATION_IN_PROGRESS;
  overlapped->InternalHigh = 0;
  if (routine == nullptr && overlapped->hEvent != nullptr) {
    // The event tells this operation's completion, so it starts reset (as Windows does); with a
    // routine, hEvent is the application's own (D-50) and is not touched.
    int ignored = 0;
    g_upcalls.lpWPUResetEvent(overlapped->hEvent, &ignored);
  }
  auto& queue = q->of(direction);
  if (queue.empty()) {  // nothing ahead of it: try now
    q->progressing = true;
    const int rc = op->transfer(*s, &op->bytes, &op->flags);
    q->progressing = false;
    if (rc != WSAEWOULDBLOCK) {
      if (rc != 0 && rc != WSAEMSGSIZE) {  // failed at once: no completion is queued
        overlapped->Internal = static_cast<DWORD>(rc);
        if (routine != nullptr) CloseThread(&op->thread);
        return Fail(error, rc);
      }
      *bytes = op->bytes;
      if (flags != nullptr) *flags = op->flags;
      Complete(s, q, std::move(op), rc);  // done at once: still completes (D-52)
      return rc == 0 ? 0 : Fail(error, rc);
    }
  }
  queue.push_back(std::move(op));
  return Fail(error, WSA_IO_PENDING);
}

void ProgressOverlapped(TcpipSocket* s) {
  const std::shared_ptr<OverlappedQueue> q = s->overlapped_ops;
  if (q == nullptr || q->progressing) return;
  q->progressing = true;
  for (OverlappedDirection d : {OverlappedDirection::kReceive, OverlappedDirection::kSend}) {
    auto& queue = q->of(d);
    while (!queue.empty()) {
      OverlappedOperation& op = *queue.front();
      const int rc = op.transfer(*s, &op.bytes, &op.flags);
      if (rc == WSAEWOULDBLOCK) break;  // the ones behind it wait too
      std::unique_ptr<OverlappedOperation> done = std::move(queue.front());
      queue.pop_front();
      Complete(s, q, std::move(done), rc);
    }
  }
  q->progressing = false;
}

void CancelOverlapped(TcpipSocket* s) {
  const std::shared_ptr<OverlappedQueue> q = s->overlapped_ops;
  if (q == nullptr) return;
  // In submission order, both directions merged.
  while (!q->receives.empty() || !q->sends.empty()) {
    const bool receive_first =
        q->sends.empty() ||
        (!q->receives.empty() && q->receives.front()->sequence < q->sends.front()->sequence);
    auto& queue = receive_first ? q->receives : q->sends;
    std::unique_ptr<OverlappedOperation> op = std::move(queue.front());
    queue.pop_front();
    Complete(s, q, std::move(op), WSA_OPERATION_ABORTED);
  }
}

// S1 §3.1.20-3.1.23 name the result function; its behaviour is later Winsock's (SPEC 2.19, D-52):
// before completion WSA_IO_INCOMPLETE, or with `wait` the caller waits in virtual time until the
// operation completes (it must be pending on `handle`: WSAEINVAL otherwise, since nothing would
// ever complete it). Then *transferred and *flags are the operation's, and the result is TRUE, or
// FALSE with its error. Null `overlapped`, `transferred` or `flags`: WSAEFAULT.
BOOL WSPAPI WSPGetOverlappedResult(SOCKET handle, LPWSAOVERLAPPED overlapped, LPDWORD transferred,
                                   BOOL wait, LPDWORD flags, LPINT error) {
  TcpipSocket* s = Lookup(handle, error);
  if (s == nullptr) return FALSE;
  if (overlapped == nullptr || transferred == nullptr || flags == nullptr) {
    *error = WSAEFAULT;
    return FALSE;
  }
  if (overlapped->Internal == WSS_OPERATION_IN_PROGRESS) {
    if (!wait) {
      *error = WSA_IO_INCOMPLETE;
      return FALSE;
    }
    if (!PendingOn(*s, overlapped)) {
      *error = WSAEINVAL;
      return FALSE;
    }
  }
  while (overlapped->Internal == WSS_OPERATION_IN_PROGRESS) {
    // Completion (or closesocket, which completes it) wakes the socket's waiters.
    s->stack->Wait({s}, absl::StrCat("WSPGetOverlappedResult on socket 0x", absl::Hex(handle)));
  }
  *transferred = overlapped->InternalHigh;
  *flags = overlapped->OffsetHigh;
  if (overlapped->Internal != 0) {
    *error = static_cast<int>(overlapped->Internal);
    return FALSE;
  }
  return TRUE;
}

}  // namespace ws2sim::providers::tcpip
