// The GDB stub (`pxos run --gdb tcp:127.0.0.1:PORT`): serves one debugger
// connection over TCP with the remote serial protocol (gdb/packet.h frames
// it), and drives the machine's vCPU through the engine's debug interface
// (Vcpu::set_debug). The monitor hands it the CPU (DebugAgent) at the start,
// at Debug exits and when the debugger interrupts; it names no device.
//
// Supported: qSupported, qXfer:features:read (i386, machine/gdb_registers.h),
// ?, g/G/p/P, m/M/X by linear address (machine/debug_memory.h), Z0-Z4/z0-z4,
// c/s/C/S, vCont (c, s), Ctrl-C, D (detach), k and vKill (end pxos), qRcmd
// (`monitor help`).
#pragma once

#include <cstdint>
#include <functional>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "gdb/packet.h"
#include "machine/debug_memory.h"
#include "machine/machine.h"
#include "machine/monitor.h"

namespace pxos {

struct GdbEndpoint {
  std::string host = "127.0.0.1";  // numeric IPv4; loopback unless given
  uint16_t port = 0;
};
// "tcp:PORT", "tcp::PORT" (both on 127.0.0.1) or "tcp:ADDR:PORT"; nullopt when malformed.
std::optional<GdbEndpoint> parse_gdb_endpoint(std::string_view spec);

class GdbServer final : public DebugAgent {
 public:
  // Listens at once; throws std::runtime_error (a one-line message) when it cannot.
  // `wait`: start() holds the CPU until a debugger connects and resumes it.
  GdbServer(Machine& m, const GdbEndpoint& at, bool wait, std::function<void(const std::string&)> log);
  ~GdbServer() override;
  GdbServer(const GdbServer&) = delete;
  GdbServer& operator=(const GdbServer&) = delete;

  std::optional<RunOutcome> start() override;
  std::optional<RunOutcome> stopped(const DebugExit* why) override;
  bool wants_stop() override;
  int wake_fd() const override { return conn_ >= 0 ? conn_ : listen_; }

 private:
  enum class Action { Stay, Resume, Detach, Kill };
  struct Point {
    char type;  // '0'..'4', as in Z packets
    Breakpoint bp;
  };

  std::optional<RunOutcome> serve();
  Action handle(const std::string& packet);
  std::string handle_query(std::string_view q);
  std::string handle_point(std::string_view p, bool insert);
  std::string handle_monitor(std::string_view command);
  std::string read_memory(std::string_view args);
  std::string write_memory(std::string_view args, bool binary);
  std::string write_one_register(std::string_view args);
  std::string write_all_registers(std::string_view hex);
  Action resume(std::string_view args, bool step);
  Action resume_vcont(std::string_view actions);
  std::string stop_reply(const DebugExit* why) const;
  bool apply_debug();
  void accept_connection();
  void disconnect();
  bool read_some(bool block);  // false: the connection closed
  void send_packet(std::string_view payload);
  void send_raw(std::string_view bytes);

  Machine& m_;
  DebugMemory mem_;
  std::function<void(const std::string&)> log_;
  GdbEndpoint at_;
  bool wait_;
  int listen_ = -1;
  int conn_ = -1;
  gdb::PacketReader reader_;
  std::vector<gdb::Event> events_;  // read but not handled yet
  std::string last_reply_;          // sent again on a NAK
  bool running_ = false;            // the debugger resumed the guest and waits for a stop reply
  bool single_step_ = false;
  std::vector<Point> points_;
  std::string last_stop_ = "T05thread:01;";
};

}  // namespace pxos
