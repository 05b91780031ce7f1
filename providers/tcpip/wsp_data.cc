// The tcpip provider's data transfer: WSPSend, WSPSendTo, WSPRecv, WSPRecvFrom (S1 §3.1.20-3.1.23;
// SPEC 2.17, 2.18, 2.20).
#include <algorithm>
#include <cstring>
#include <memory>
#include <vector>

#include "absl/strings/str_cat.h"
#include "providers/tcpip/wsp_internal.h"

namespace ws2sim::providers::tcpip {

// --- Data ------------------------------------------------------------------------------------

namespace {

// Bytes of the WSABUF array as one span: the caller's own buffer when there is one (no copy, the
// common send/WSASend case), else a gathered copy owned by this object.
class Gathered {
 public:
  Gathered(LPWSABUF buffers, DWORD count) {
    if (count == 1) {
      bytes_ = {reinterpret_cast<const uint8_t*>(buffers[0].buf), static_cast<size_t>(buffers[0].len)};
      return;
    }
    for (DWORD i = 0; i < count; ++i) {
      copy_.insert(copy_.end(), buffers[i].buf, buffers[i].buf + buffers[i].len);
    }
    bytes_ = copy_;
  }
  absl::Span<const uint8_t> bytes() const { return bytes_; }
  size_t size() const { return bytes_.size(); }

 private:
  std::vector<uint8_t> copy_;
  absl::Span<const uint8_t> bytes_;
};

// Copies `data` into the WSABUF array; returns the bytes copied.
size_t Scatter(absl::Span<const uint8_t> data, LPWSABUF buffers, DWORD count) {
  size_t done = 0;
  for (DWORD i = 0; i < count && done < data.size(); ++i) {
    const size_t n = std::min<size_t>(static_cast<size_t>(buffers[i].len), data.size() - done);
    std::memcpy(buffers[i].buf, data.data() + done, n);
    done += n;
  }
  return done;
}

size_t Capacity(LPWSABUF buffers, DWORD count) {
  size_t total = 0;
  for (DWORD i = 0; i < count; ++i) total += static_cast<size_t>(buffers[i].len);
  return total;
}

int SendStream(TcpipSocket* s, SOCKET handle, absl::Span<const uint8_t> data, bool oob,
               LPDWORD sent, LPINT error) {
  if (s->state != State::kConnected) return Fail(error, WSAENOTCONN);
  if (oob && !OobSupported(*s)) return Fail(error, WSAEOPNOTSUPP);
  if (s->shut_send) return Fail(error, WSAESHUTDOWN);
  if (DroppedByKeepAlive(*s)) return Fail(error, WSAENOTCONN);  // dropped before this call
  size_t done = 0;
  for (;;) {
    const TcpIoResult r = s->connection->Send(data.subspan(done), oob);
    if (!r.ok() && r.error != TcpError::kWouldBlock) return Fail(error, TcpErrorCode(r.error));
    done += r.bytes;
    if (done == data.size()) break;
    if (s->nonblocking) {  // a short send, or WSAEWOULDBLOCK when nothing fit
      if (done == 0) return Fail(error, WSAEWOULDBLOCK);
      break;
    }
    s->stack->Wait({s}, absl::StrCat("send on socket 0x", absl::Hex(handle)));
  }
  *sent = static_cast<DWORD>(done);
  return 0;
}

// Sends the WSABUF array as one datagram to `to`: 0 (*sent: its size) or SendDatagram's WSA error.
int SendDatagramNow(TcpipSocket& s, const Endpoint& to, LPWSABUF buffers, DWORD count,
                    LPDWORD sent) {
  const Gathered data(buffers, count);
  if (const int rc = s.stack->SendDatagram(&s, to, data.bytes()); rc != 0) return rc;
  *sent = static_cast<DWORD>(data.size());
  return 0;
}

// A datagram send, overlapped on an overlapped socket (it completes at once: the datagram is
// handed to the network or fails), else as the call itself (D-49).
int SendDatagramCall(TcpipSocket* s, const Endpoint& to, LPWSABUF buffers, DWORD count,
                     LPDWORD sent, LPWSAOVERLAPPED overlapped,
                     LPWSAOVERLAPPED_COMPLETION_ROUTINE routine, LPINT error) {
  if (overlapped != nullptr && s->overlapped) {
    return SubmitOverlapped(
        s, OverlappedDirection::kSend,
        [to, copy = std::vector<WSABUF>(buffers, buffers + count)](TcpipSocket& t, DWORD* bytes,
                                                                   INT*) mutable {
          return SendDatagramNow(t, to, copy.data(), static_cast<DWORD>(copy.size()), bytes);
        },
        sent, nullptr, overlapped, routine, error);
  }
  const int rc = SendDatagramNow(*s, to, buffers, count, sent);
  return rc == 0 ? 0 : Fail(error, rc);
}

// An overlapped stream send: sends what the send buffer takes, in order, until every byte of the
// WSABUF array is queued (D-53 gather order; R-15). The array is copied, its buffers are read at
// each try (they stay valid until completion, S1 §3.1.22).
OverlappedTransfer StreamSendTransfer(SOCKET handle, LPWSABUF buffers, DWORD count, bool oob) {
  return [handle, copy = std::vector<WSABUF>(buffers, buffers + count), oob,
          done = size_t{0}](TcpipSocket& s, DWORD* bytes, INT*) mutable {
    const Gathered data(copy.data(), static_cast<DWORD>(copy.size()));
    DWORD sent = 0;
    int error = 0;
    if (SendStream(&s, handle, data.bytes().subspan(done), oob, &sent, &error) != 0) return error;
    done += sent;
    *bytes += sent;
    return done == data.size() ? 0 : WSAEWOULDBLOCK;
  };
}

int SendCall(TcpipSocket* s, SOCKET handle, LPWSABUF buffers, DWORD count, LPDWORD sent,
             int flags, LPWSAOVERLAPPED overlapped, LPWSAOVERLAPPED_COMPLETION_ROUTINE routine,
             LPINT error) {
  const bool oob = (flags & MSG_OOB) != 0;
  if (s->is_stream()) {
    if (overlapped != nullptr && s->overlapped) {  // D-49
      return SubmitOverlapped(s, OverlappedDirection::kSend,
                              StreamSendTransfer(handle, buffers, count, oob), sent, nullptr,
                              overlapped, routine, error);
    }
    const Gathered data(buffers, count);
    return SendStream(s, handle, data.bytes(), oob, sent, error);
  }
  if (oob) return Fail(error, WSAEOPNOTSUPP);  // stream only (S1 §3.1.22)
  if (!s->remote) return Fail(error, WSAENOTCONN);
  if (s->shut_send) return Fail(error, WSAESHUTDOWN);
  return SendDatagramCall(s, *s->remote, buffers, count, sent, overlapped, routine, error);
}

int SendToCall(TcpipSocket* s, SOCKET handle, LPWSABUF buffers, DWORD count, LPDWORD sent,
               int flags, const struct sockaddr* to, int tolen, LPWSAOVERLAPPED overlapped,
               LPWSAOVERLAPPED_COMPLETION_ROUTINE routine, LPINT error) {
  if (s->is_stream()) {  // the destination is ignored on a connected stream (S1 §3.1.23)
    return SendCall(s, handle, buffers, count, sent, flags, overlapped, routine, error);
  }
  if ((flags & MSG_OOB) != 0) return Fail(error, WSAEOPNOTSUPP);  // stream only (S1 §3.1.22)
  Endpoint e;
  if (to == nullptr) {
    // No destination on an unconnected datagram socket (S1 §3.1.23; SPEC 2.18).
    if (!s->remote) return Fail(error, WSAEDESTADDRREQ);
    e = *s->remote;
  } else if (!ParseAddress(*s, to, tolen, &e)) {
    return Fail(error, WSAEFAULT);
  }
  if (e.address.IsUnspecified() || e.port == 0) return Fail(error, WSAEADDRNOTAVAIL);
  if (s->shut_send) return Fail(error, WSAESHUTDOWN);
  if (const int rc = EnsureBound(s); rc != 0) return Fail(error, rc);
  return SendDatagramCall(s, e, buffers, count, sent, overlapped, routine, error);
}

int RecvStream(TcpipSocket* s, SOCKET handle, LPWSABUF buffers, DWORD count, LPDWORD received,
               LPINT flags, LPINT error) {
  if (s->state == State::kListening || s->connection == nullptr) return Fail(error, WSAENOTCONN);
  if ((*flags & MSG_OOB) != 0 && !OobSupported(*s)) return Fail(error, WSAEOPNOTSUPP);
  if (s->shut_receive) return Fail(error, WSAESHUTDOWN);
  if (DroppedByKeepAlive(*s)) return Fail(error, WSAENOTCONN);  // dropped before this call
  const TcpRecvFlags rf{(*flags & MSG_PEEK) != 0, (*flags & MSG_OOB) != 0};
  // One WSABUF (recv, most WSARecv calls) is received into directly; several go through a
  // scratch buffer that is scattered afterwards.
  std::unique_ptr<uint8_t[]> scratch;
  absl::Span<uint8_t> target;
  if (count == 1) {
    target = {reinterpret_cast<uint8_t*>(buffers[0].buf), static_cast<size_t>(buffers[0].len)};
  } else {
    const size_t capacity = Capacity(buffers, count);
    scratch.reset(new uint8_t[capacity]);  // no zero-fill: Recv writes what it reports
    target = {scratch.get(), capacity};
  }
  for (;;) {
    const TcpIoResult r = s->connection->Recv(target, rf);
    if (r.ok()) {  // bytes, or 0 = the peer closed gracefully (S1 §3.1.20)
      *received = static_cast<DWORD>(
          count == 1 ? r.bytes : Scatter(absl::MakeConstSpan(target).first(r.bytes), buffers, count));
      *flags = 0;
      return 0;
    }
    if (r.error != TcpError::kWouldBlock) return Fail(error, TcpErrorCode(r.error));
    if (s->nonblocking) return Fail(error, WSAEWOULDBLOCK);
    s->stack->Wait({s}, absl::StrCat("recv on socket 0x", absl::Hex(handle)));
  }
}

// WSPRecv's input flags (D-79): MSG_PEEK, MSG_OOB, MSG_INTERRUPT; anything else is not supported.
bool RecvFlagsSupported(int flags) {
  return (flags & ~(MSG_PEEK | MSG_OOB | MSG_INTERRUPT)) == 0;
}

int RecvDatagram(TcpipSocket* s, SOCKET handle, LPWSABUF buffers, DWORD count, LPDWORD received,
                 LPINT flags, struct sockaddr* from, LPINT fromlen, LPINT error) {
  if ((*flags & MSG_OOB) != 0) return Fail(error, WSAEOPNOTSUPP);  // stream only (S1 §3.1.20)
  if (s->shut_receive) return Fail(error, WSAESHUTDOWN);
  if (!s->local) return Fail(error, WSAEINVAL);  // recvfrom on an unbound datagram socket
  if (from != nullptr && (fromlen == nullptr || *fromlen < AddressBytes(s->family))) {
    return Fail(error, WSAEFAULT);
  }
  while (s->datagrams.empty()) {
    if (s->nonblocking) return Fail(error, WSAEWOULDBLOCK);
    s->stack->Wait({s}, absl::StrCat("recvfrom on socket 0x", absl::Hex(handle)));
  }
  const Datagram& d = s->datagrams.front();
  const size_t copied = Scatter(d.payload, buffers, count);
  if (from != nullptr) WriteAddress(d.from, from, fromlen);
  const bool truncated = copied < d.payload.size();
  *received = static_cast<DWORD>(copied);
  if ((*flags & MSG_PEEK) == 0) {
    s->queued_bytes -= d.payload.size();
    s->datagrams.pop_front();  // the rest of a truncated datagram is lost (S1 §3.1.21)
  }
  *flags = 0;
  return truncated ? Fail(error, WSAEMSGSIZE) : 0;
}

// A receive as the non-overlapped call makes it. lpFrom and lpFromlen are ignored on a stream
// (S1 §3.1.21; SPEC 2.17); a datagram socket receives once bound (from its default peer only, if
// connected), unbound it fails with WSAEINVAL (S1 §3.1.20; SPEC 2.17; D-49).
int ReceiveNow(TcpipSocket* s, SOCKET handle, LPWSABUF buffers, DWORD count, LPDWORD received,
               LPINT flags, struct sockaddr* from, LPINT fromlen, LPINT error) {
  if (s->is_stream()) return RecvStream(s, handle, buffers, count, received, flags, error);
  return RecvDatagram(s, handle, buffers, count, received, flags, from, fromlen, error);
}

int RecvFromCall(TcpipSocket* s, SOCKET handle, LPWSABUF buffers, DWORD count,
                 LPDWORD received, LPINT flags, struct sockaddr* from, LPINT fromlen,
                 LPWSAOVERLAPPED overlapped, LPWSAOVERLAPPED_COMPLETION_ROUTINE routine,
                 LPINT error) {
  if (!RecvFlagsSupported(*flags)) return Fail(error, WSAEOPNOTSUPP);
  if (overlapped == nullptr || !s->overlapped) {  // D-49
    return ReceiveNow(s, handle, buffers, count, received, flags, from, fromlen, error);
  }
  // Overlapped: the same receive, tried again as data arrives (D-54: it completes with what is
  // buffered); the buffers are filled in the order the receives were posted.
  return SubmitOverlapped(
      s, OverlappedDirection::kReceive,
      [handle, copy = std::vector<WSABUF>(buffers, buffers + count), in = *flags, from,
       fromlen](TcpipSocket& t, DWORD* bytes, INT* out) mutable {
        INT f = in;
        int error = 0;
        const int rc = ReceiveNow(&t, handle, copy.data(), static_cast<DWORD>(copy.size()), bytes,
                                  &f, from, fromlen, &error);
        *out = rc == 0 || error == WSAEMSGSIZE ? f : 0;
        return rc == 0 ? 0 : error;
      },
      received, flags, overlapped, routine, error);
}

}  // namespace

int WSPAPI WSPSend(SOCKET handle, LPWSABUF buffers, DWORD count, LPDWORD sent, int flags,
                   LPWSAOVERLAPPED overlapped, LPWSAOVERLAPPED_COMPLETION_ROUTINE routine,
                   LPINT error) {
  return Reenabling(handle, FD_WRITE, SOCKET_ERROR, error, [&](TcpipSocket* s) {
    return SendCall(s, handle, buffers, count, sent, flags, overlapped, routine, error);
  });
}

int WSPAPI WSPSendTo(SOCKET handle, LPWSABUF buffers, DWORD count, LPDWORD sent, int flags,
                     const struct sockaddr* to, int tolen, LPWSAOVERLAPPED overlapped,
                     LPWSAOVERLAPPED_COMPLETION_ROUTINE routine, LPINT error) {
  return Reenabling(handle, FD_WRITE, SOCKET_ERROR, error, [&](TcpipSocket* s) {
    return SendToCall(s, handle, buffers, count, sent, flags, to, tolen, overlapped, routine,
                      error);
  });
}

int WSPAPI WSPRecv(SOCKET handle, LPWSABUF buffers, DWORD count, LPDWORD received, LPINT flags,
                   LPWSAOVERLAPPED overlapped, LPWSAOVERLAPPED_COMPLETION_ROUTINE routine,
                   LPINT error) {
  return Reenabling(handle, FD_READ | FD_OOB, SOCKET_ERROR, error, [&](TcpipSocket* s) {
    return RecvFromCall(s, handle, buffers, count, received, flags, nullptr, nullptr, overlapped,
                        routine, error);
  });
}

int WSPAPI WSPRecvFrom(SOCKET handle, LPWSABUF buffers, DWORD count, LPDWORD received,
                       LPINT flags, struct sockaddr* from, LPINT fromlen,
                       LPWSAOVERLAPPED overlapped, LPWSAOVERLAPPED_COMPLETION_ROUTINE routine,
                       LPINT error) {
  return Reenabling(handle, FD_READ | FD_OOB, SOCKET_ERROR, error, [&](TcpipSocket* s) {  // D-40
    return RecvFromCall(s, handle, buffers, count, received, flags, from, fromlen, overlapped,
                        routine, error);
  });
}

}  // namespace ws2sim::providers::tcpip
