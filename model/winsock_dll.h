// model::WinsockDll: one process's Winsock 2 DLL (ws2_32, Win32 profile; DESIGN.md section 1, 2):
// API version negotiation, the catalog, provider loading through WSPStartup, the socket handle
// table and the upcalls providers make (S1 §2.4, §3.1.26, §4; SPEC 1.2, 1.5, 2.1; D-11, D-12,
// D-70, D-85, D-92).
//
// Invariants:
//  - The catalog is built from the machine's registry at the first successful WSAStartup.
//  - Each provider DLL gets exactly one WSPStartup per process, before any other SPI call to it,
//    on first use, and one WSPCleanup when the last WSACleanup runs or, failing that, when the
//    process ends (SPI-START-17, D-12, D-14); then the handle table is empty.
//  - Every socket handle is made by WPUCreateSocketHandle on a provider's behalf, is unique in the
//    run and never reused (SPI-SOCK-06, D-92); the table maps it to its catalog entry, provider and
//    the provider's context value (D-85).
//  - Every SPI call runs with sim::ScopedHost set to this machine's network host.
// This header keeps the guest headers out (their macros rename socket, bind, ...); SOCKET is a
// 32-bit u_int in the seed's header, hence SocketHandle.
#ifndef WS2SIM_MODEL_WINSOCK_DLL_H_
#define WS2SIM_MODEL_WINSOCK_DLL_H_

#include <cstdint>
#include <memory>
#include <string>

#include "absl/container/btree_map.h"
#include "absl/container/btree_set.h"
#include "model/catalog.h"
#include "model/version.h"
#include "sim/trace/recorder.h"

struct _WSPPROC_TABLE;

namespace ws2sim::sim::net {
class Host;
}

namespace ws2sim::model {

class Machine;
class Process;
class Runtime;

using SocketHandle = uint32_t;

// The API versions this DLL implements (WSAStartup): 1.0 through 2.2. The seeds describe 2.0;
// 2.2 is accepted because later programs ask for it and the API did not change for them.
inline constexpr WinsockVersion kDllLowestApiVersion{1, 0};
inline constexpr WinsockVersion kDllHighestApiVersion{2, 2};
// The SPI versions the DLL can use with providers (SPEC 2.1): it requests the highest.
inline constexpr WinsockVersion kDllSpiVersions[] = {{1, 1}, {2, 0}};

class WinsockDll {
 public:
  struct Provider {
    uint32_t provider_id = 0;
    std::string filename;
    std::unique_ptr<_WSPPROC_TABLE> table;
    WinsockVersion version;
    bool usable = false;   // false: WSPStartup failed or the DLL rejected its version
    int startup_error = 0;  // why not usable
  };
  struct Socket {
    uint32_t catalog_entry_id = 0;
    uint32_t provider_id = 0;
    void* context = nullptr;
  };

  WinsockDll(Runtime& runtime, Process& process, Machine& machine);
  ~WinsockDll();

  Process& process() { return process_; }
  Machine& machine() { return machine_; }
  bool started() const { return startup_count_ > 0; }
  const Catalog& catalog() const { return catalog_; }
  WinsockVersion api_version() const { return api_version_; }

  // WSAStartup's logic: returns 0 or the error code (WSAVERNOTSUPPORTED, WSAEFAULT); fills the
  // versions and strings of `data` (a WSADATA*). Counts nested calls.
  int Startup(uint16_t version_requested, void* data);
  // WSACleanup's logic: 0, or WSANOTINITIALISED. The last call cleans every provider up.
  int Cleanup();
  // The process has ended without its last WSACleanup: the same final cleanup (D-14; the
  // providers reset its open connections, its closed ones keep draining, D-15).
  void ProcessExit();

  // The provider serving `entry`, started (WSPStartup) on first use. Null with *error set when it
  // cannot be used (not installed: WSAEPROVIDERFAILEDINIT; its WSPStartup's error).
  Provider* ProviderFor(const CatalogEntry& entry, int* error);
  Provider* FindProvider(uint32_t provider_id);

  // Handle table (the upcalls). CreateSocketHandle: a new handle bound to `context`, or
  // INVALID_SOCKET with WSAEINVAL (unknown catalog entry) or WSAENOBUFS (table full; S1 §4.1).
  SocketHandle CreateSocketHandle(uint32_t catalog_entry_id, void* context, int* error);
  bool CloseSocketHandle(SocketHandle s, int* error);
  const Socket* FindSocket(SocketHandle s) const;
  bool SetSocketContext(SocketHandle s, void* context, int* error);
  size_t open_sockets() const { return sockets_.size(); }
  // How many sockets the table holds at most (default kDefaultSocketTableCapacity).
  static constexpr size_t kDefaultSocketTableCapacity = 1 << 20;
  void set_socket_table_capacity(size_t capacity) { socket_table_capacity_ = capacity; }

  // Per-thread state: threads running a WSAAccept condition function, whose Winsock calls fail
  // with WSAEINPROGRESS meanwhile (S1 §3.1.11; D-48, R-29).
  void EnterCondition(uint32_t tid) { in_condition_.insert(tid); }
  void LeaveCondition(uint32_t tid) { in_condition_.erase(tid); }
  bool InCondition(uint32_t tid) const { return in_condition_.contains(tid); }

  // The upcall table every provider of this DLL gets (a WSPUPCALLTABLE).
  static const void* UpcallTable();

  // An SPI Call record on `lane`: a call into a provider (enter), or its return with the result
  // and the lpErrno it reported.
  void TraceSpi(trace::LaneId lane, const char* function, trace::pb::CallPhase phase,
                SocketHandle s, int64_t result, int error);

 private:
  // The lane of the DLL's own SPI calls: the calling thread's, else (at exit) the process's.
  trace::LaneId OwnLane();
  void CallCleanup(Provider& provider);
  // Every usable provider's WSPCleanup, then empties the provider and handle tables.
  void CleanupProviders();

  Runtime& runtime_;
  Process& process_;
  Machine& machine_;
  int startup_count_ = 0;
  WinsockVersion api_version_;
  Catalog catalog_;
  bool catalog_built_ = false;
  absl::btree_map<uint32_t, Provider> providers_;  // by provider id
  absl::btree_map<SocketHandle, Socket> sockets_;
  size_t socket_table_capacity_ = kDefaultSocketTableCapacity;
  absl::btree_set<uint32_t> in_condition_;  // thread ids
};

// The protocol info record (a WSAPROTOCOL_INFOW*) of a catalog entry, as WSPSocket and
// WSAEnumProtocols see it.
void FillProtocolInfo(const CatalogEntry& entry, void* protocol_info);
// Copies a WSAPROTOCOL_INFOW (`wide`) to a WSAPROTOCOL_INFOA (`narrow`): identical up to the
// description, which is narrowed (it is ASCII).
void NarrowProtocolInfo(const void* wide, void* narrow);

// A simulated Windows machine: the host's configuration database and network host (nullable in
// tests without a network).
class Machine {
 public:
  Machine(std::string name, sim::net::Host* net_host) : name_(std::move(name)), net_host_(net_host) {}
  const std::string& name() const { return name_; }
  Registry& registry() { return registry_; }
  sim::net::Host* net_host() const { return net_host_; }

 private:
  std::string name_;
  sim::net::Host* net_host_;
  Registry registry_;
};

}  // namespace ws2sim::model

#endif  // WS2SIM_MODEL_WINSOCK_DLL_H_
