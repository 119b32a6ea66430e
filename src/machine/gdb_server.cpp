#include "machine/gdb_server.h"

#include <arpa/inet.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstdio>
#include <cstring>
#include <sstream>
#include <stdexcept>

#include "machine/gdb_registers.h"

namespace pxos {

namespace {

using gdb::Event;
using gdb::from_hex;
using gdb::parse_hex;
using gdb::to_hex;

constexpr size_t kMaxPoints = 256;        // breakpoints and watchpoints together
constexpr uint64_t kMaxWatch = 1u << 20;  // bytes one watchpoint may cover
constexpr size_t kMaxRead = (gdb::kMaxPacket - 16) / 2;
constexpr size_t kMaxMonitorRead = 4096;
constexpr size_t kMaxQueued = 64;  // packets kept from a debugger while the guest runs
constexpr char kThread[] = "thread:01;";

// "ADDR,LEN" at the start of `args` (the rest after it in `rest`).
bool parse_range(std::string_view args, uint64_t& addr, uint64_t& len, std::string_view* rest = nullptr) {
  size_t comma = args.find(',');
  if (comma == std::string_view::npos) return false;
  size_t end = args.find_first_of(":;", comma);
  std::optional<uint64_t> a = parse_hex(args.substr(0, comma));
  std::optional<uint64_t> l = parse_hex(args.substr(comma + 1, end == std::string_view::npos ? end : end - comma - 1));
  if (!a || !l) return false;
  addr = *a;
  len = *l;
  if (rest) *rest = end == std::string_view::npos ? std::string_view() : args.substr(end + 1);
  return true;
}

std::string describe_state(const CpuState& s, uint64_t icount) {
  char line[160];
  std::string out;
  const char* mode = !(s.cr0 & 1) ? "real" : (s.eflags & flag::VM) ? "virtual-8086" : "protected";
  std::snprintf(line, sizeof line, "mode %s%s, CS:EIP %04X:%08X (linear %08X), instructions %llu\n", mode,
                (s.cr0 & 0x80000000u) ? " with paging" : "", s.seg[CS].selector, s.eip, s.seg[CS].base + s.eip,
                static_cast<unsigned long long>(icount));
  out += line;
  std::snprintf(line, sizeof line, "CR0 %08X CR2 %08X CR3 %08X CR4 %08X\n", s.cr0, s.cr2, s.cr3, s.cr4);
  out += line;
  static const char* const kNames[6] = {"ES", "CS", "SS", "DS", "FS", "GS"};
  for (int k = 0; k < 6; ++k) {
    std::snprintf(line, sizeof line, "%s %04X base %08X limit %08X attrib %04X\n", kNames[k], s.seg[k].selector,
                  s.seg[k].base, s.seg[k].limit, s.seg[k].attrib);
    out += line;
  }
  std::snprintf(line, sizeof line, "GDTR %08X/%04X IDTR %08X/%04X LDTR %04X TR %04X\n", s.gdt.base, s.gdt.limit,
                s.idt.base, s.idt.limit, s.ldt.selector, s.tr.selector);
  out += line;
  return out;
}

}  // namespace

std::optional<GdbEndpoint> parse_gdb_endpoint(std::string_view spec) {
  if (spec.substr(0, 4) != "tcp:") return std::nullopt;
  spec.remove_prefix(4);
  GdbEndpoint e;
  size_t colon = spec.rfind(':');
  std::string_view port = spec;
  if (colon != std::string_view::npos) {
    port = spec.substr(colon + 1);
    std::string host(spec.substr(0, colon));
    if (!host.empty()) e.host = host == "localhost" ? "127.0.0.1" : host;
  }
  in_addr probe{};
  if (inet_pton(AF_INET, e.host.c_str(), &probe) != 1) return std::nullopt;
  if (port.empty() || port.size() > 5 || port.find_first_not_of("0123456789") != std::string_view::npos)
    return std::nullopt;
  unsigned long n = std::stoul(std::string(port));
  if (n == 0 || n > 65535) return std::nullopt;
  e.port = uint16_t(n);
  return e;
}

GdbServer::GdbServer(Machine& m, const GdbEndpoint& at, bool wait, std::function<void(const std::string&)> log)
    : m_(m), mem_(m.mem), log_(std::move(log)), at_(at), wait_(wait) {
  listen_ = ::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC | SOCK_NONBLOCK, 0);
  if (listen_ < 0) throw std::runtime_error(std::string("--gdb: socket: ") + std::strerror(errno));
  int one = 1;
  ::setsockopt(listen_, SOL_SOCKET, SO_REUSEADDR, &one, sizeof one);
  sockaddr_in addr{};
  addr.sin_family = AF_INET;
  addr.sin_port = htons(at.port);
  inet_pton(AF_INET, at.host.c_str(), &addr.sin_addr);
  if (::bind(listen_, reinterpret_cast<sockaddr*>(&addr), sizeof addr) != 0 || ::listen(listen_, 1) != 0) {
    std::string why = std::strerror(errno);
    ::close(listen_);
    throw std::runtime_error("--gdb: cannot listen on " + at.host + ":" + std::to_string(at.port) + ": " + why);
  }
}

GdbServer::~GdbServer() {
  if (conn_ >= 0) ::close(conn_);
  if (listen_ >= 0) ::close(listen_);
}

// ---- the connection ----------------------------------------------------------------

void GdbServer::accept_connection() {
  int fd = ::accept4(listen_, nullptr, nullptr, SOCK_CLOEXEC);
  if (fd < 0) return;
  int one = 1;
  ::setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof one);
  conn_ = fd;
  reader_ = gdb::PacketReader();
  events_.clear();
  last_reply_.clear();
  running_ = false;
  last_stop_ = std::string("T05") + kThread;
  log_("gdb: a debugger connected");
}

// The debugger left (D, or the connection closed): its points go, the guest runs on.
void GdbServer::disconnect() {
  if (conn_ >= 0) ::close(conn_);
  conn_ = -1;
  points_.clear();
  single_step_ = false;
  running_ = false;
  m_.vcpu->set_debug(DebugSetup{});
  log_("gdb: the debugger detached");
}

bool GdbServer::read_some(bool block) {
  if (conn_ < 0) return false;
  pollfd p{conn_, POLLIN, 0};
  int r = ::poll(&p, 1, block ? -1 : 0);
  if (r < 0 && errno == EINTR) return true;
  if (r <= 0) return true;
  uint8_t buf[4096];
  ssize_t n = ::recv(conn_, buf, sizeof buf, MSG_DONTWAIT);
  if (n < 0 && (errno == EAGAIN || errno == EINTR)) return true;
  if (n <= 0) return false;
  reader_.feed({buf, size_t(n)}, events_);
  return true;
}

void GdbServer::send_raw(std::string_view bytes) {
  while (conn_ >= 0 && !bytes.empty()) {
    ssize_t n = ::send(conn_, bytes.data(), bytes.size(), MSG_NOSIGNAL);
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) return;  // the next read sees the closed connection
    bytes.remove_prefix(size_t(n));
  }
}

void GdbServer::send_packet(std::string_view payload) {
  last_reply_ = gdb::encode_packet(payload);
  send_raw(last_reply_);
}

// ---- the monitor's side (DebugAgent) --------------------------------------------------

std::optional<RunOutcome> GdbServer::start() {
  if (!wait_) return std::nullopt;
  log_("waiting for GDB on " + at_.host + ":" + std::to_string(at_.port) + " (--gdb-wait)");
  pollfd p{listen_, POLLIN, 0};
  while (conn_ < 0) {
    if (::poll(&p, 1, -1) > 0) accept_connection();
  }
  return serve();
}

bool GdbServer::wants_stop() {
  if (conn_ < 0) {
    pollfd p{listen_, POLLIN, 0};
    if (::poll(&p, 1, 0) <= 0) return false;
    accept_connection();
    return conn_ >= 0;  // a new debugger finds the guest stopped
  }
  if (!read_some(false)) {
    disconnect();
    return false;
  }
  auto it = std::find_if(events_.begin(), events_.end(), [](const Event& e) { return e.kind == Event::Interrupt; });
  if (it == events_.end()) {
    // Packets while the guest runs wait for the next stop; a debugger that floods them loses the oldest.
    if (events_.size() > kMaxQueued) events_.erase(events_.begin(), events_.end() - kMaxQueued);
    return false;
  }
  events_.erase(it);
  return true;
}

std::optional<RunOutcome> GdbServer::stopped(const DebugExit* why) {
  if (conn_ < 0) return std::nullopt;  // a stop after the debugger left: go on
  // A debugger that just connected finds the guest stopped as by a breakpoint (T05, as QEMU says).
  if (why || running_) last_stop_ = stop_reply(why);
  if (running_) {
    running_ = false;
    send_packet(last_stop_);
  }
  return serve();
}

std::string GdbServer::stop_reply(const DebugExit* why) const {
  if (!why) return std::string("T02") + kThread;  // SIGINT: the debugger interrupted
  char text[48];
  if (why->step) return std::string("T05") + kThread;
  switch (why->kind) {
    case BreakKind::Exec: {
      bool soft = std::any_of(points_.begin(), points_.end(),
                              [&](const Point& p) { return p.type == '0' && p.bp.address == why->address; });
      return std::string(soft ? "T05swbreak:;" : "T05hwbreak:;") + kThread;
    }
    case BreakKind::Write: std::snprintf(text, sizeof text, "T05watch:%x;", why->address); break;
    case BreakKind::Read: std::snprintf(text, sizeof text, "T05rwatch:%x;", why->address); break;
    case BreakKind::Access: std::snprintf(text, sizeof text, "T05awatch:%x;", why->address); break;
  }
  return text + std::string(kThread);
}

// Talks to the debugger while the guest is stopped, until it resumes, detaches or kills.
std::optional<RunOutcome> GdbServer::serve() {
  for (;;) {
    while (!events_.empty()) {
      Event e = std::move(events_.front());
      events_.erase(events_.begin());
      switch (e.kind) {
        case Event::Packet: break;
        case Event::Bad:
          log_("gdb: " + e.why + " (NAK)");
          send_raw("-");
          continue;
        case Event::Nak: send_raw(last_reply_); continue;
        default: continue;  // acknowledgements; Ctrl-C while stopped
      }
      send_raw("+");
      switch (handle(e.payload)) {
        case Action::Stay: continue;
        case Action::Resume: running_ = true; return std::nullopt;
        case Action::Detach: disconnect(); return std::nullopt;
        case Action::Kill:
          log_("gdb: the debugger killed the guest");
          ::close(conn_);
          conn_ = -1;
          return RunOutcome{RunOutcome::Quit, 0, "killed by the debugger"};
      }
    }
    if (!read_some(true)) {
      disconnect();
      return std::nullopt;
    }
  }
}

// ---- packets -----------------------------------------------------------------------------

GdbServer::Action GdbServer::handle(const std::string& packet) {
  std::string_view p = packet;
  char c = p.empty() ? 0 : p[0];
  std::string_view args = p.empty() ? p : p.substr(1);
  Vcpu& cpu = *m_.vcpu;
  std::string reply;
  switch (c) {
    case '?': reply = last_stop_; break;
    case 'g': {
      FpuImage fpu{};
      bool has_fpu = cpu.fpu_state(fpu);
      reply = to_hex(gdb::read_registers(cpu.state(), has_fpu ? &fpu : nullptr));
      break;
    }
    case 'G': reply = write_all_registers(args); break;
    case 'p': {
      std::optional<uint64_t> n = parse_hex(args);
      FpuImage fpu{};
      bool has_fpu = cpu.fpu_state(fpu);
      if (!n || *n >= uint64_t(gdb::kRegisterCount))
        reply = "E22";
      else
        reply = to_hex(gdb::read_register(cpu.state(), has_fpu ? &fpu : nullptr, int(*n)));
      break;
    }
    case 'P': reply = write_one_register(args); break;
    case 'm': reply = read_memory(args); break;
    case 'M': reply = write_memory(args, false); break;
    case 'X': reply = write_memory(args, true); break;
    case 'Z':
    case 'z': reply = handle_point(args, c == 'Z'); break;
    case 'c': return resume(args, false);
    case 's': return resume(args, true);
    case 'C':  // "C sig[;addr]": the guest gets no signal
    case 'S': {
      size_t semi = args.find(';');
      return resume(semi == std::string_view::npos ? std::string_view() : args.substr(semi + 1), c == 'S');
    }
    case 'H':
    case 'T': reply = "OK"; break;
    case 'D': send_packet("OK"); return Action::Detach;
    case 'k': return Action::Kill;
    case 'q': reply = handle_query(args); break;
    case 'v':
      if (args == "Cont?") {
        reply = "vCont;c;C;s;S";
      } else if (args.substr(0, 5) == "Cont;") {
        return resume_vcont(args.substr(5));
      } else if (args.substr(0, 4) == "Kill") {
        send_packet("OK");
        return Action::Kill;
      }
      break;  // others (vMustReplyEmpty, vFile...): unsupported, an empty reply
    default: break;
  }
  send_packet(reply);
  return Action::Stay;
}

std::string GdbServer::handle_query(std::string_view q) {
  if (q.substr(0, 9) == "Supported") {
    char text[96];
    std::snprintf(text, sizeof text, "PacketSize=%zx;qXfer:features:read+;swbreak+;hwbreak+;vContSupported+",
                  gdb::kMaxPacket);
    return text;
  }
  if (q == "Attached") return "1";
  if (q == "C") return "QC1";
  if (q == "fThreadInfo") return "m1";
  if (q == "sThreadInfo") return "l";
  if (q.substr(0, 6) == "Symbol") return "OK";
  if (q.substr(0, 5) == "Rcmd,") {
    std::optional<std::vector<uint8_t>> text = from_hex(q.substr(5));
    if (!text) return "E22";
    return handle_monitor(std::string_view(reinterpret_cast<const char*>(text->data()), text->size()));
  }
  constexpr std::string_view kXfer = "Xfer:features:read:target.xml:";
  if (q.substr(0, kXfer.size()) == kXfer) {
    uint64_t off, len;
    if (!parse_range(q.substr(kXfer.size()), off, len)) return "E22";
    // Real and virtual-8086 mode: GDB disassembles 16-bit code.
    CpuState st = m_.vcpu->state();
    std::string xml = gdb::target_xml(!(st.cr0 & 1) || (st.eflags & flag::VM));
    if (off >= xml.size()) return "l";
    len = std::min<uint64_t>({len, kMaxRead, xml.size() - off});
    return (off + len < xml.size() ? "m" : "l") + xml.substr(off, len);
  }
  if (q.substr(0, 14) == "Xfer:features:") return "E00";  // another annex: none
  return "";
}

// ---- memory ------------------------------------------------------------------------------

std::string GdbServer::read_memory(std::string_view args) {
  uint64_t addr, len;
  if (!parse_range(args, addr, len) || addr > 0xFFFFFFFFu) return "E22";
  len = std::min<uint64_t>(len, kMaxRead);
  std::vector<uint8_t> buf(len);
  size_t got = mem_.read_linear(m_.vcpu->state(), uint32_t(addr), buf);
  if (got == 0 && len > 0) return "E14";
  buf.resize(got);
  return to_hex(buf);
}

std::string GdbServer::write_memory(std::string_view args, bool binary) {
  uint64_t addr, len;
  std::string_view data;
  if (!parse_range(args, addr, len, &data) || addr > 0xFFFFFFFFu || len > gdb::kMaxPacket) return "E22";
  std::vector<uint8_t> bytes;
  if (binary) {
    bytes.assign(data.begin(), data.end());
  } else {
    std::optional<std::vector<uint8_t>> b = from_hex(data);
    if (!b) return "E22";
    bytes = std::move(*b);
  }
  if (bytes.size() != len) return "E22";
  if (len == 0) return "OK";  // GDB probes X support with an empty write
  return mem_.write_linear(m_.vcpu->state(), uint32_t(addr), bytes) ? "OK" : "E14";
}

// ---- registers -----------------------------------------------------------------------------

namespace {
bool read_linear_thunk(void* ctx, uint32_t linear, std::span<uint8_t> out) {
  auto* self = static_cast<std::pair<DebugMemory*, const CpuState*>*>(ctx);
  return self->first->read_linear(*self->second, linear, out) == out.size();
}
}  // namespace

std::string GdbServer::write_one_register(std::string_view args) {
  size_t eq = args.find('=');
  if (eq == std::string_view::npos) return "E22";
  std::optional<uint64_t> n = parse_hex(args.substr(0, eq));
  std::optional<std::vector<uint8_t>> bytes = from_hex(args.substr(eq + 1));
  if (!n || !bytes || *n >= uint64_t(gdb::kRegisterCount)) return "E22";
  Vcpu& cpu = *m_.vcpu;
  CpuState s = cpu.state();
  FpuImage fpu{};
  bool has_fpu = cpu.fpu_state(fpu);
  if (!gdb::write_register(s, has_fpu ? &fpu : nullptr, int(*n), *bytes)) return "E22";
  if (*n >= 10 && *n < 16) {  // a selector: its segment's cache follows
    Sreg seg = gdb::segment_of(int(*n));
    CpuState old = cpu.state();
    std::pair<DebugMemory*, const CpuState*> ctx{&mem_, &old};
    uint16_t sel = s.seg[seg].selector;
    s.seg[seg] = old.seg[seg];
    if (!gdb::load_segment(s, seg, sel, read_linear_thunk, &ctx)) return "E22";
  }
  cpu.set_state(s);
  if (has_fpu) cpu.set_fpu_state(fpu);
  return "OK";
}

std::string GdbServer::write_all_registers(std::string_view hex) {
  std::optional<std::vector<uint8_t>> bytes = from_hex(hex);
  if (!bytes) return "E22";
  Vcpu& cpu = *m_.vcpu;
  const CpuState old = cpu.state();
  CpuState s = old;
  FpuImage fpu{};
  bool has_fpu = cpu.fpu_state(fpu);
  if (!gdb::write_registers(s, has_fpu ? &fpu : nullptr, *bytes)) return "E22";
  std::pair<DebugMemory*, const CpuState*> ctx{&mem_, &old};
  for (int r = 10; r < 16; ++r) {
    Sreg seg = gdb::segment_of(r);
    uint16_t sel = s.seg[seg].selector;
    s.seg[seg] = old.seg[seg];
    if (sel != old.seg[seg].selector && !gdb::load_segment(s, seg, sel, read_linear_thunk, &ctx)) return "E22";
  }
  cpu.set_state(s);
  if (has_fpu) cpu.set_fpu_state(fpu);
  return "OK";
}

// ---- breakpoints, watchpoints, resuming ------------------------------------------------------

bool GdbServer::apply_debug() {
  DebugSetup setup;
  setup.single_step = single_step_;
  for (const Point& p : points_) setup.points.push_back(p.bp);
  std::string why = m_.vcpu->set_debug(setup);
  if (!why.empty()) log_("gdb: " + why);
  return why.empty();
}

std::string GdbServer::handle_point(std::string_view p, bool insert) {
  if (p.size() < 2 || p[1] != ',' || p[0] < '0' || p[0] > '4') return "";  // unsupported type
  uint64_t addr, kind;
  if (!parse_range(p.substr(2), addr, kind) || addr > 0xFFFFFFFFu) return "E22";
  Point point{p[0], Breakpoint{}};
  point.bp.address = uint32_t(addr);
  switch (p[0]) {
    case '0':
    case '1': point.bp.kind = BreakKind::Exec; break;
    case '2': point.bp.kind = BreakKind::Write; break;
    case '3': point.bp.kind = BreakKind::Read; break;
    default: point.bp.kind = BreakKind::Access; break;
  }
  if (point.bp.kind != BreakKind::Exec) {
    if (kind == 0 || kind > kMaxWatch) return "E22";
    point.bp.length = uint32_t(kind);
  }
  auto same = [&](const Point& q) { return q.type == point.type && q.bp == point.bp; };
  std::vector<Point> before = points_;
  if (insert) {
    if (std::any_of(points_.begin(), points_.end(), same)) return "OK";
    if (points_.size() >= kMaxPoints) return "E28";  // ENOSPC
    points_.push_back(point);
  } else {
    points_.erase(std::remove_if(points_.begin(), points_.end(), same), points_.end());
  }
  if (!apply_debug()) {
    points_ = std::move(before);
    apply_debug();
    return "E01";
  }
  return "OK";
}

GdbServer::Action GdbServer::resume(std::string_view args, bool step) {
  // `args`: an optional address to resume at (C and S come here without their signal).
  if (!args.empty()) {
    std::optional<uint64_t> addr = parse_hex(args);
    if (!addr) {
      send_packet("E22");
      return Action::Stay;
    }
    CpuState s = m_.vcpu->state();
    s.eip = uint32_t(*addr);
    m_.vcpu->set_state(s);
  }
  single_step_ = step;
  if (!apply_debug()) {
    single_step_ = false;
    apply_debug();
    send_packet("E01");
    return Action::Stay;
  }
  return Action::Resume;
}

GdbServer::Action GdbServer::resume_vcont(std::string_view actions) {
  // One thread: the first action that applies to it (s, S, c or C, with or without ":1") decides.
  char first = actions.empty() ? 0 : actions[0];
  if (first == 's' || first == 'S') return resume({}, true);
  if (first == 'c' || first == 'C') return resume({}, false);
  send_packet("E22");
  return Action::Stay;
}

// ---- monitor commands --------------------------------------------------------------------------

std::string GdbServer::handle_monitor(std::string_view command) {
  std::istringstream in{std::string(command)};
  std::string word;
  in >> word;
  std::string out;
  if (word == "help" || word.empty()) {
    out =
        "pxOS monitor commands:\n"
        "  engine          the engine running the guest\n"
        "  info            mode, control registers, segments, descriptor tables\n"
        "  phys ADDR [LEN] physical memory (hex, RAM and ROM only; LEN up to 4096, default 64)\n"
        "  stats           device counters\n"
        "  screen          the text screen\n";
  } else if (word == "engine") {
    out = m_.vcpu->name() + (m_.engine_reason.empty() ? "" : " (" + m_.engine_reason + ")") + "\n";
  } else if (word == "info") {
    out = describe_state(m_.vcpu->state(), m_.vcpu->instructions_retired());
  } else if (word == "phys") {
    std::string a, l = "40";
    in >> a >> l;
    if (a.rfind("0x", 0) == 0) a = a.substr(2);
    if (l.rfind("0x", 0) == 0) l = l.substr(2);
    std::optional<uint64_t> addr = parse_hex(a), len = parse_hex(l);
    if (!addr || !len || *len == 0 || *len > kMaxMonitorRead)
      return to_hex("usage: phys ADDR [LEN] (hex, LEN 1-1000)\n");
    std::vector<uint8_t> buf(*len);
    size_t got = mem_.read_physical(*addr, buf);
    if (got == 0) return "E14";
    char line[24];
    for (size_t i = 0; i < got; i += 16) {
      std::snprintf(line, sizeof line, "%08llx:", static_cast<unsigned long long>(*addr + i));
      out += line;
      for (size_t k = i; k < std::min(got, i + 16); ++k) {
        std::snprintf(line, sizeof line, " %02x", buf[k]);
        out += line;
      }
      out += "\n";
    }
  } else if (word == "stats") {
    std::ostringstream os;
    m_.print_stats(os);
    out = os.str();
  } else if (word == "screen") {
    out = m_.text_screen().text();
  } else {
    out = "unknown monitor command '" + word + "' (monitor help)\n";
  }
  return out.empty() ? "OK" : to_hex(out);
}

}  // namespace pxos
