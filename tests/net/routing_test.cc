// Hosts and routing: configuration errors, loopback, connected and static routes, longest prefix
// match, forwarding through a gateway host, no route, broadcast on a segment.
#include <string>
#include <vector>

#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "sim/net/network.h"
#include "tests/net/net_test_util.h"

namespace ws2sim::sim::net::testing {
namespace {

using ::testing::ElementsAre;
using ::testing::HasSubstr;

TEST(NetworkConfig, ErrorsNameTheHostLinkAndAddress) {
  World w;
  TwoHosts(w);
  w.AddHost("c");
  EXPECT_EQ(w.net.AddHost("a").status(), absl::AlreadyExistsError("host a already exists"));
  EXPECT_EQ(w.net.AddLink({.name = "l1", .a = {.host = "a", .interface = "x"},
                           .b = {.host = "c", .interface = "x"}}),
            absl::AlreadyExistsError("link l1 already exists"));
  EXPECT_EQ(w.net.AddLink({.name = "l2", .a = {.host = "a", .interface = "x"},
                           .b = {.host = "zz", .interface = "x"}}),
            absl::NotFoundError("link l2: unknown host \"zz\""));
  EXPECT_EQ(w.net.AddLink({.name = "l2", .a = {.host = "a", .interface = "eth0"},
                           .b = {.host = "c", .interface = "eth0"}}),
            absl::AlreadyExistsError("link l2: host a already has an interface eth0"));
  EXPECT_EQ(w.net.AddLink({.name = "l2",
                           .a = {.host = "a", .interface = "eth1", .addresses = {"10.0.0.2/24"}},
                           .b = {.host = "c", .interface = "eth0"}}),
            absl::AlreadyExistsError(
                "link l2: address 10.0.0.2 is already assigned to host b interface eth0"));
  EXPECT_EQ(w.net.AddLink({.name = "l2",
                           .a = {.host = "a", .interface = "eth1", .addresses = {"10.1.0.1/24"}},
                           .b = {.host = "c", .interface = "eth0", .addresses = {"10.1.0.1/24"}}}),
            absl::AlreadyExistsError("link l2: address 10.1.0.1 is given twice"));
  EXPECT_EQ(w.net.AddLink({.name = "l2",
                           .a = {.host = "a", .interface = "eth1", .addresses = {"10.1.0.300/24"}},
                           .b = {.host = "c", .interface = "eth0"}}),
            absl::InvalidArgumentError("link l2: host a: not a prefix: \"10.1.0.300/24\" (not an "
                                       "IP address: \"10.1.0.300\")"));
  EXPECT_EQ(w.net.AddLink({.name = "l2", .a = {.host = "a", .interface = "eth1"},
                           .b = {.host = "a", .interface = "eth2"}}),
            absl::InvalidArgumentError("link l2: both ends are on host a"));
  EXPECT_EQ(w.net.AddLink({.name = "lo", .a = {.host = "a", .interface = "eth1"},
                           .b = {.host = "c", .interface = "eth2"}}),
            absl::InvalidArgumentError("a link cannot be called \"lo\""));
  EXPECT_EQ(w.net.AddLink({.name = "l2", .a = {.host = "a", .interface = "eth1"},
                           .b = {.host = "c", .interface = "eth0"},
                           .params = {.loss_percent = 120}}),
            absl::InvalidArgumentError("link l2: loss_percent 120 is outside 0..100"));
  EXPECT_EQ(w.net.AddSegment({.name = "s1", .members = {{.host = "a", .interface = "eth1"}}}),
            absl::InvalidArgumentError("segment s1 has 1 members; it needs at least 2"));
  // A failed link leaves nothing behind: the same names work afterwards.
  EXPECT_TRUE(w.net.AddLink({.name = "l2",
                             .a = {.host = "a", .interface = "eth1", .addresses = {"10.1.0.1/24"}},
                             .b = {.host = "c", .interface = "eth0", .addresses = {"10.1.0.2/24"}}})
                  .ok());
  Host& a = *w.net.FindHost("a");
  EXPECT_EQ(a.AddAddress("eth9", "10.2.0.1/24"),
            absl::NotFoundError("host a: unknown interface \"eth9\""));
  EXPECT_EQ(a.AddAddress("eth0", "10.0.0.2/24"),
            absl::AlreadyExistsError(
                "host a: address 10.0.0.2 is already assigned to host b interface eth0"));
  EXPECT_EQ(a.AddAddress("eth0", "127.0.0.2/8"),
            absl::InvalidArgumentError(
                "host a: 127.0.0.2 is a loopback address and belongs on lo"));
  EXPECT_EQ(w.net.SetLinkParams("l1", "a", "c", {}),
            absl::NotFoundError("link l1 has no direction a->c"));
  EXPECT_EQ(w.net.SetLinkParams("l1", "a", "b", {.reorder_gap = 2}),
            absl::InvalidArgumentError("link l1 a->b: reorder_gap without reorder_percent"));
}

TEST(Routing, LoopbackLocalAndConnected) {
  World w;
  TwoHosts(w);
  Host& a = *w.net.FindHost("a");
  ASSERT_EQ(a.interfaces().size(), 2u);
  EXPECT_EQ(a.interfaces()[0]->name(), "lo");
  EXPECT_TRUE(a.HasAddress(Ip("127.0.0.1")));
  EXPECT_TRUE(a.HasAddress(Ip("::1")));

  for (const char* dst : {"127.0.0.1", "127.1.2.3", "::1"}) {
    const RouteInfo r = a.Lookup(Ip(dst)).value();
    EXPECT_EQ(r.kind, RouteInfo::Kind::kLocal) << dst;
    EXPECT_EQ(r.interface->name(), "lo");
    EXPECT_EQ(r.source, IpAddress::Loopback(Ip(dst).family())) << dst;
    EXPECT_EQ(r.mtu_bytes, kLoopbackMtuBytes);
  }
  const RouteInfo self = a.Lookup(Ip("10.0.0.1")).value();
  EXPECT_EQ(self.kind, RouteInfo::Kind::kLocal);
  EXPECT_EQ(self.source, Ip("10.0.0.1"));

  const RouteInfo peer = a.Lookup(Ip("10.0.0.2")).value();
  EXPECT_EQ(peer.kind, RouteInfo::Kind::kConnected);
  EXPECT_EQ(peer.interface->name(), "eth0");
  EXPECT_EQ(peer.next_hop, Ip("10.0.0.2"));
  EXPECT_EQ(peer.source, Ip("10.0.0.1"));
  EXPECT_EQ(peer.mtu_bytes, 1500u);
  const RouteInfo v6 = a.Lookup(Ip("2001:db8::2")).value();
  EXPECT_EQ(v6.kind, RouteInfo::Kind::kConnected);
  EXPECT_EQ(v6.source, Ip("2001:db8::1"));

  EXPECT_EQ(a.Lookup(Ip("10.9.9.9")).status(),
            absl::NotFoundError("host a: no route to 10.9.9.9"));
}

TEST(Routing, LoopbackAndOwnAddressDeliverToTheSameHostNow) {
  World w(1);
  TwoHosts(w, {.delay_ns = 10 * kMs});
  Host& a = *w.net.FindHost("a");
  std::vector<Arrival> log;
  Listen(w, a, log);
  w.At(3 * kMs, [&] {
    EXPECT_TRUE(a.Send(Udp("127.0.0.1", "127.0.0.1", 1, 2, 10)).ok());
    EXPECT_TRUE(a.Send(Udp("10.0.0.1", "10.0.0.1", 3, 4, 10)).ok());
    EXPECT_TRUE(a.Send(Udp("::1", "::1", 5, 6, 10)).ok());
  });
  w.Run();
  ASSERT_EQ(log.size(), 3u);
  for (const Arrival& x : log) EXPECT_EQ(x.ns, 3 * kMs);
  EXPECT_EQ(log[0].dst_port, 2);
  EXPECT_EQ(log[1].dst_port, 4);
  EXPECT_EQ(log[2].dst_port, 6);
  const LinkDirection* lo = w.net.FindDirection("lo", "a", "a");
  ASSERT_NE(lo, nullptr);
  EXPECT_EQ(lo->counters().delivered.packets, 3u);
  EXPECT_EQ(lo->name(), "lo a->a");
  EXPECT_EQ(w.net.FindDirection("l1", "a", "b")->counters().sent.packets, 0u);
}

// a --l1-- r --l2-- b, r forwards; a reaches b's network through r, b uses a default route.
struct ThreeHosts {
  World w;
  Host* a;
  Host* r;
  Host* b;
  explicit ThreeHosts(bool forwarding = true) {
    a = &w.AddHost("a");
    r = &w.AddHost("r", {.forwarding = forwarding});
    b = &w.AddHost("b");
    EXPECT_TRUE(w.net.AddLink({.name = "l1",
                               .a = {.host = "a", .interface = "eth0",
                                     .addresses = {"10.0.1.1/24"}},
                               .b = {.host = "r", .interface = "eth0",
                                     .addresses = {"10.0.1.254/24"}},
                               .params = {.delay_ns = 2 * kMs}})
                    .ok());
    EXPECT_TRUE(w.net.AddLink({.name = "l2",
                               .a = {.host = "r", .interface = "eth1",
                                     .addresses = {"10.0.2.254/24"}},
                               .b = {.host = "b", .interface = "eth0",
                                     .addresses = {"10.0.2.1/24"}},
                               .params = {.delay_ns = 3 * kMs}})
                    .ok());
    EXPECT_TRUE(a->AddRoute("10.0.2.0/24", "10.0.1.254").ok());
    EXPECT_TRUE(b->AddRoute("0.0.0.0/0", "10.0.2.254").ok());
  }
};

TEST(Routing, StaticRouteThroughAForwardingGateway) {
  ThreeHosts t;
  std::vector<Arrival> at_a, at_b;
  Listen(t.w, *t.a, at_a);
  Listen(t.w, *t.b, at_b);
  const RouteInfo route = t.a->Lookup(Ip("10.0.2.1")).value();
  EXPECT_EQ(route.kind, RouteInfo::Kind::kStatic);
  EXPECT_EQ(route.next_hop, Ip("10.0.1.254"));
  EXPECT_EQ(route.source, Ip("10.0.1.1"));
  int ttl_at_b = 0;
  t.b->SetProtocolHandler(kProtoUdp, [&](const ReceivedPacket& p) {
    ttl_at_b = p.parsed.ip.ttl;
    at_b.push_back({t.w.scheduler.Now().ns_since_start(), p.id, "b", p.parsed.udp->src_port,
                    p.parsed.udp->dst_port, 0, p.parsed.udp->payload.size(), 0});
    // Answer through the default route.
    EXPECT_TRUE(t.b->Send(Udp("10.0.2.1", "10.0.1.1", 53, 1000, 4)).ok());
  });
  t.w.At(0, [&] { EXPECT_TRUE(t.a->Send(Udp("10.0.1.1", "10.0.2.1", 1000, 53, 20)).ok()); });
  t.w.Run();
  ASSERT_EQ(at_b.size(), 1u);
  EXPECT_EQ(at_b[0].ns, 5 * kMs);  // 2 ms + 3 ms
  EXPECT_EQ(ttl_at_b, 63);
  ASSERT_EQ(at_a.size(), 1u);
  EXPECT_EQ(at_a[0].ns, 10 * kMs);
  EXPECT_EQ(at_a[0].src_port, 53);
  EXPECT_EQ(t.r->counters().forwarded.packets, 2u);
  EXPECT_EQ(t.r->counters().delivered.packets, 0u);
}

TEST(Routing, HostsThatDoNotForwardDropOthersPacketsAndTtlExpires) {
  {
    ThreeHosts t(/*forwarding=*/false);
    t.w.At(0, [&] { EXPECT_TRUE(t.a->Send(Udp("10.0.1.1", "10.0.2.1", 1, 2, 0)).ok()); });
    t.w.Run();
    EXPECT_EQ(t.r->counters().dropped[trace::pb::DROP_NOT_FOR_HOST].packets, 1u);
    EXPECT_EQ(t.b->counters().received.packets, 0u);
  }
  {
    ThreeHosts t;
    t.w.At(0, [&] {
      EXPECT_TRUE(t.a->Send(BuildUdp({.ip = {.src = Ip("10.0.1.1"), .dst = Ip("10.0.2.1"),
                                             .ttl = 1},
                                      .src_port = 1,
                                      .dst_port = 2}))
                      .ok());
    });
    t.w.Run();
    EXPECT_EQ(t.r->counters().dropped[trace::pb::DROP_TTL_EXPIRED].packets, 1u);
    EXPECT_EQ(t.b->counters().received.packets, 0u);
  }
}

TEST(Routing, LongestPrefixWinsThenConnectedThenFirstAdded) {
  World w;
  Host& a = w.AddHost("a");
  w.AddHost("r1");
  w.AddHost("r2");
  ASSERT_TRUE(w.net.AddLink({.name = "l1",
                             .a = {.host = "a", .interface = "eth0", .addresses = {"10.0.1.1/24"}},
                             .b = {.host = "r1", .interface = "eth0",
                                   .addresses = {"10.0.1.254/24"}}})
                  .ok());
  ASSERT_TRUE(w.net.AddLink({.name = "l2",
                             .a = {.host = "a", .interface = "eth1",
                                   .addresses = {"10.0.2.1/24", "2001:db8:2::1/64"},
                                   .mtu_bytes = 9000},
                             .b = {.host = "r2", .interface = "eth0",
                                   .addresses = {"10.0.2.254/24", "2001:db8:2::fe/64"}}})
                  .ok());
  ASSERT_TRUE(a.AddRoute("0.0.0.0/0", "10.0.1.254").ok());
  ASSERT_TRUE(a.AddRoute("10.1.0.0/16", "10.0.1.254").ok());
  ASSERT_TRUE(a.AddRoute("10.1.2.0/24", "10.0.2.254", /*mtu_bytes=*/1400).ok());
  ASSERT_TRUE(a.AddRoute("10.0.2.0/24", "10.0.1.254").ok());  // loses to the connected route
  ASSERT_TRUE(a.AddRoute("10.5.0.0/16", "eth1").ok());        // on-link through an interface
  ASSERT_TRUE(a.AddRoute("::/0", "2001:db8:2::fe").ok());
  ASSERT_TRUE(a.AddRoute("10.7.0.0/16", "10.0.1.254").ok());
  ASSERT_TRUE(a.AddRoute("10.7.0.0/16", "10.0.2.254").ok());  // same length: the first wins

  auto via = [&](const char* dst) {
    const RouteInfo r = a.Lookup(Ip(dst)).value();
    return r.interface->name() + " " + r.next_hop.ToString();
  };
  EXPECT_EQ(via("10.1.2.3"), "eth1 10.0.2.254");
  EXPECT_EQ(via("10.1.3.3"), "eth0 10.0.1.254");
  EXPECT_EQ(via("8.8.8.8"), "eth0 10.0.1.254");
  EXPECT_EQ(via("10.0.2.77"), "eth1 10.0.2.77");
  EXPECT_EQ(via("10.5.1.1"), "eth1 10.5.1.1");
  EXPECT_EQ(via("2001:db8:9::1"), "eth1 2001:db8:2::fe");
  EXPECT_EQ(via("10.7.0.1"), "eth0 10.0.1.254");
  EXPECT_EQ(a.Lookup(Ip("10.1.2.3")).value().mtu_bytes, 1400u);  // the route's lower MTU
  EXPECT_EQ(a.Lookup(Ip("10.5.1.1")).value().mtu_bytes, 9000u);
  EXPECT_EQ(a.Lookup(Ip("10.5.1.1")).value().kind, RouteInfo::Kind::kStatic);
  EXPECT_EQ(a.Lookup(Ip("10.5.1.1")).value().source, Ip("10.0.2.1"));
}

TEST(Routing, RouteErrors) {
  World w;
  TwoHosts(w);
  Host& a = *w.net.FindHost("a");
  EXPECT_EQ(a.AddRoute("10.1.0.0/16", "10.0.9.1"),
            absl::InvalidArgumentError("host a: route 10.1.0.0/16 via 10.0.9.1: gateway 10.0.9.1 "
                                       "is not in any prefix of host a's interfaces"));
  EXPECT_EQ(a.AddRoute("10.1.0.1/16", "10.0.0.2"),
            absl::InvalidArgumentError("host a: route 10.1.0.1/16 via 10.0.0.2: the destination "
                                       "has host bits set (10.1.0.0/16?)"));
  EXPECT_EQ(a.AddRoute("10.1.0.0/16", "eth9"),
            absl::NotFoundError("host a: route 10.1.0.0/16 dev eth9: unknown interface \"eth9\""));
  EXPECT_EQ(a.AddRoute("2001:db9::/32", "10.0.0.2"),
            absl::InvalidArgumentError("host a: route 2001:db9::/32 via 10.0.0.2: gateway "
                                       "10.0.0.2 is not an IPv6 address"));
  EXPECT_EQ(a.AddRoute("10.1.0.0/33", "eth0").code(), absl::StatusCode::kInvalidArgument);
  EXPECT_EQ(a.AddRoute(Route{.destination = Prefix::Parse("10.1.0.0/16").value()}),
            absl::InvalidArgumentError(
                "host a: route 10.1.0.0/16: names neither a gateway nor an interface"));
}

TEST(Routing, NoRouteIsReportedCountedAndTraced) {
  auto recorder = trace::Recorder::InMemory({});
  World w(1, recorder.get());
  TwoHosts(w);
  Host& a = *w.net.FindHost("a");
  const absl::Status s = a.Send(Udp("10.0.0.1", "192.0.2.9", 1, 2, 10));
  EXPECT_EQ(s, absl::UnavailableError("host a: no route to 192.0.2.9"));
  EXPECT_EQ(a.counters().dropped[trace::pb::DROP_NO_ROUTE].packets, 1u);
  EXPECT_EQ(a.counters().dropped[trace::pb::DROP_NO_ROUTE].bytes, 38u);
  EXPECT_EQ(a.Send(Packet{{0x45, 0, 0}}).code(), absl::StatusCode::kInvalidArgument);
  EXPECT_EQ(a.counters().dropped[trace::pb::DROP_MALFORMED].packets, 1u);
  w.Run();
}

// Four hosts on one segment (a switch).
struct Lan {
  World w;
  std::vector<Arrival> log;
  Lan() {
    for (const char* h : {"a", "b", "c", "d"}) Listen(w, w.AddHost(h), log);
    SegmentSpec s{.name = "s1", .params = {.delay_ns = 1 * kMs}};
    int i = 1;
    for (const char* h : {"a", "b", "c", "d"}) {
      s.members.push_back({.host = h, .interface = "eth0",
                           .addresses = {absl::StrCat("10.0.0.", i++, "/24")}});
    }
    EXPECT_TRUE(w.net.AddSegment(s).ok());
  }
  std::vector<std::string> Receivers() const {
    std::vector<std::string> out;
    for (const Arrival& x : log) out.push_back(x.host);
    return out;
  }
};

TEST(Segment, BroadcastReachesEveryOtherHostUnicastOnlyItsTarget) {
  Lan lan;
  Host& a = *lan.w.net.FindHost("a");
  EXPECT_EQ(lan.w.net.Directions().size(), 4u * 3u + 4u);  // ordered pairs and 4 loopbacks
  lan.w.At(0, [&] { EXPECT_TRUE(a.Send(Udp("10.0.0.1", "255.255.255.255", 1, 9, 1)).ok()); });
  lan.w.Run();
  EXPECT_THAT(lan.Receivers(), ElementsAre("b", "c", "d"));
  for (const Arrival& x : lan.log) EXPECT_EQ(x.ns, 1 * kMs);

  lan.log.clear();
  lan.w.At(2 * kMs, [&] { EXPECT_TRUE(a.Send(Udp("10.0.0.1", "10.0.0.255", 1, 9, 1)).ok()); });
  lan.w.Run();
  EXPECT_THAT(lan.Receivers(), ElementsAre("b", "c", "d"));

  lan.log.clear();
  lan.w.At(4 * kMs, [&] { EXPECT_TRUE(a.Send(Udp("10.0.0.1", "10.0.0.3", 1, 9, 1)).ok()); });
  lan.w.Run();
  EXPECT_THAT(lan.Receivers(), ElementsAre("c"));
  EXPECT_EQ(lan.w.net.FindDirection("s1", "a", "c")->counters().delivered.packets, 3u);
  EXPECT_EQ(lan.w.net.FindDirection("s1", "a", "b")->counters().delivered.packets, 2u);
  EXPECT_EQ(lan.w.net.FindDirection("s1", "b", "a")->counters().sent.packets, 0u);
}

TEST(Segment, NextHopMustBeOnTheSegment) {
  Lan lan;
  Host& a = *lan.w.net.FindHost("a");
  ASSERT_TRUE(a.AddRoute("10.9.0.0/16", "10.0.0.99").ok());
  EXPECT_EQ(a.Send(Udp("10.0.0.1", "10.9.0.1", 1, 2, 0)),
            absl::UnavailableError("host a: next hop 10.0.0.99 is not on segment s1"));
  EXPECT_EQ(a.Send(Udp("10.0.0.1", "10.0.0.77", 1, 2, 0)),
            absl::UnavailableError("host a: next hop 10.0.0.77 is not on segment s1"));
  EXPECT_EQ(a.counters().dropped[trace::pb::DROP_NO_NEIGHBOR].packets, 2u);
}

TEST(Segment, BroadcastOnAPointToPointLinkReachesThePeer) {
  World w;
  TwoHosts(w);
  std::vector<Arrival> log;
  Listen(w, *w.net.FindHost("b"), log);
  Listen(w, *w.net.FindHost("a"), log);
  w.At(0, [&] {
    EXPECT_TRUE(w.net.FindHost("a")->Send(Udp("10.0.0.1", "255.255.255.255", 1, 2, 0)).ok());
  });
  w.Run();
  ASSERT_EQ(log.size(), 1u);
  EXPECT_EQ(log[0].host, "b");
}

}  // namespace
}  // namespace ws2sim::sim::net::testing
