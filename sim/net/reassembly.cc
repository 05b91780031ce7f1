#include "sim/net/reassembly.h"

#include <algorithm>
#include <cstring>

#include "absl/strings/str_cat.h"
#include "sim/net/checksum.h"

namespace ws2sim::sim::net {

Reassembler::AddResult Reassembler::Add(const ParsedPacket& fragment,
                                        absl::Span<const uint8_t> bytes, uint64_t id) {
  AddResult result;
  const Key key = KeyOf(fragment);
  auto [it, inserted] = pending_.try_emplace(key);
  result.started = inserted;
  Datagram& d = it->second;
  const uint32_t offset = fragment.ip.fragment_offset_bytes;
  const auto length = static_cast<uint32_t>(fragment.ip_payload.size());
  for (const Piece& p : d.pieces) {
    if (p.offset == offset && p.data.size() == length) {
      result.duplicate = true;
      return result;
    }
  }
  Piece& piece = d.pieces.emplace_back();
  piece.offset = offset;
  piece.data.assign(fragment.ip_payload.begin(), fragment.ip_payload.end());
  piece.id = id;
  piece.wire_bytes = static_cast<uint32_t>(bytes.size());
  if (offset == 0 && d.first_header.empty()) {
    d.first_header.assign(bytes.begin(), bytes.begin() + fragment.ip.header_bytes);
  }
  if (!fragment.ip.more_fragments && !d.end) d.end = offset + length;
  if (d.first_header.empty() || !d.end) return result;

  // Complete when [0, end) is covered.
  std::vector<const Piece*> order;
  for (const Piece& p : d.pieces) order.push_back(&p);
  std::stable_sort(order.begin(), order.end(),
                   [](const Piece* a, const Piece* b) { return a->offset < b->offset; });
  uint64_t covered = 0;
  for (const Piece* p : order) {
    if (p->offset > covered) return result;  // a hole
    covered = std::max<uint64_t>(covered, p->offset + p->data.size());
  }
  if (covered < *d.end) return result;

  for (const Piece& p : d.pieces) result.ids.push_back(p.id);
  const uint32_t header = static_cast<uint32_t>(d.first_header.size());
  const uint64_t total = uint64_t{header} + *d.end;
  if (total > kMaxIpv4DatagramBytes) {
    result.datagram = absl::InvalidArgumentError(absl::StrCat(
        "reassembled IPv4 datagram of ", total, " bytes exceeds ", kMaxIpv4DatagramBytes));
  } else {
    Packet packet;
    packet.bytes.assign(total, 0);
    uint8_t* out = packet.bytes.data();
    std::memcpy(out, d.first_header.data(), header);
    // Later arrivals first, so that the bytes of earlier arrivals overwrite them (first wins).
    for (auto p = d.pieces.rbegin(); p != d.pieces.rend(); ++p) {
      const uint64_t end = std::min<uint64_t>(p->offset + p->data.size(), *d.end);
      if (p->offset < end) std::memcpy(out + header + p->offset, p->data.data(), end - p->offset);
    }
    out[2] = static_cast<uint8_t>(total >> 8);
    out[3] = static_cast<uint8_t>(total);
    out[6] &= 0x40;  // keep DF; clear MF and the offset
    out[7] = 0;
    out[10] = out[11] = 0;
    const uint16_t sum = InternetChecksum(absl::MakeConstSpan(out, header));
    out[10] = static_cast<uint8_t>(sum >> 8);
    out[11] = static_cast<uint8_t>(sum);
    result.datagram = std::move(packet);
  }
  pending_.erase(it);
  return result;
}

Reassembler::Held Reassembler::Abandon(const Key& key) {
  Held held;
  auto it = pending_.find(key);
  if (it == pending_.end()) return held;
  for (const Piece& p : it->second.pieces) {
    held.ids.push_back(p.id);
    held.bytes.push_back(p.wire_bytes);
  }
  pending_.erase(it);
  return held;
}

}  // namespace ws2sim::sim::net
