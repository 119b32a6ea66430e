// A PS/2 mouse: the device behind the 8042's auxiliary port
// (devices/i8042.h). The controller hands it the bytes the guest sends with
// 64h D4h and takes its output bytes one at a time; the host's pointer
// arrives through event().
//
// Commands (a byte from the host; every one is answered FAh, ACK, first):
//   FFh reset            ACK, AAh (self test passed), 00h (ID); defaults
//   FEh resend           the last packet (or the last byte) again, no ACK
//   F6h set defaults     rate 100/s, resolution 4 counts/mm, scaling 1:1,
//                        stream mode, reporting disabled
//   F5h disable          data reporting off (stream mode sends nothing)
//   F4h enable           data reporting on
//   F3h set sample rate  + a rate byte: 10, 20, 40, 60, 80, 100 or 200
//   F2h get ID           ACK, the ID: 00h; 03h (wheel) after the rates
//                        200, 100, 80; 04h (wheel, 5 buttons) after 200,
//                        200, 80 once it is 03h
//   F0h remote mode      packets only on EBh
//   EEh wrap mode        every byte is echoed, except FFh and ECh
//   ECh reset wrap mode  back to the mode before EEh
//   EBh read data        ACK and one packet (any mode)
//   EAh stream mode      packets as the pointer moves (when enabled)
//   E9h status request   ACK and 3 bytes: flags (bit 6 remote, 5 enabled,
//                        4 scaling 2:1, 2 left, 1 middle, 0 right),
//                        resolution, sample rate
//   E8h set resolution   + 0..3 (1, 2, 4, 8 counts/mm)
//   E7h/E6h              scaling 2:1 / 1:1 (2:1 maps stream-mode deltas)
// Any other byte, and a bad argument, is answered FEh (resend). Any byte
// from the host drops the bytes the mouse has not sent yet (a packet half
// out, an unread reply), so that its answer comes next, as a driver waits
// for it.
//
// Packets: byte 0 = bit 7 Y overflow, 6 X overflow, 5 Y sign, 4 X sign,
// 3 always 1, 2 middle, 1 right, 0 left; byte 1 X, byte 2 Y (the low 8 bits
// of 9-bit two's complement values, Y up positive); with ID 03h a byte 3,
// the wheel (-128..127), with ID 04h bits 3-0 the wheel (-8..7). Movement
// accumulates between packets; a delta past -256..255 is clamped and its
// overflow bit set (the rest is lost, as on a real mouse).
//
// Stream mode sends a packet whenever the pointer moved or a button changed
// and the output queue has room for the whole packet; while it has none,
// movement keeps accumulating and the latest buttons are kept (a button
// change that never got into a packet is counted as dropped), and pull()
// sends it once there is room. In stream mode with reporting disabled,
// events only update the buttons (QEMU's and real mice's behaviour).
//
// Not thread-safe: call event() from the monitor's thread.
#pragma once

#include <cstdint>
#include <deque>
#include <iosfwd>
#include <optional>
#include <vector>

namespace pxos {

class Ps2Mouse {
 public:
  static constexpr size_t kQueueBytes = 64;  // the output queue: command replies and packets
  // Commands.
  static constexpr uint8_t kReset = 0xFF, kResend = 0xFE, kSetDefaults = 0xF6, kDisable = 0xF5;
  static constexpr uint8_t kEnable = 0xF4, kSetSampleRate = 0xF3, kGetId = 0xF2, kRemoteMode = 0xF0;
  static constexpr uint8_t kWrapMode = 0xEE, kResetWrapMode = 0xEC, kReadData = 0xEB, kStreamMode = 0xEA;
  static constexpr uint8_t kStatusRequest = 0xE9, kSetResolution = 0xE8, kScaling21 = 0xE7, kScaling11 = 0xE6;
  // Replies.
  static constexpr uint8_t kAck = 0xFA, kNak = 0xFE, kSelfTestPassed = 0xAA;
  static constexpr uint8_t kIdStandard = 0x00, kIdWheel = 0x03, kIdFiveButtons = 0x04;
  // Packet byte 0.
  static constexpr uint8_t kLeft = 0x01, kRight = 0x02, kMiddle = 0x04, kAlways1 = 0x08;
  static constexpr uint8_t kXSign = 0x10, kYSign = 0x20, kXOverflow = 0x40, kYOverflow = 0x80;
  // Status request byte 0 (buttons in the status byte's own order).
  static constexpr uint8_t kStatusRight = 0x01, kStatusMiddle = 0x02, kStatusLeft = 0x04;
  static constexpr uint8_t kStatusScaling21 = 0x10, kStatusEnabled = 0x20, kStatusRemote = 0x40;
  // event()'s buttons.
  static constexpr unsigned kButtonLeft = 1, kButtonRight = 2, kButtonMiddle = 4;

  struct Stats {
    uint64_t events = 0;    // pointer events from the host
    uint64_t ignored = 0;   // events while stream-mode reporting was off
    uint64_t packets = 0;   // movement packets queued
    uint64_t dropped = 0;   // button changes lost while the queue was full, unsent bytes a command dropped
    uint64_t commands = 0;  // bytes the host sent (commands and arguments)
    uint64_t unknown = 0;   // commands and arguments answered FEh
  };

  Ps2Mouse() = default;

  // The host's pointer: dx right, dy up (PS/2's sense), dz the wheel as
  // PS/2 counts it (positive: towards the user), buttons kButton*.
  void event(int dx, int dy, int dz, unsigned buttons);
  // A byte the host (the guest, through 64h D4h) sent to the mouse.
  void write(uint8_t byte);
  // The next byte the mouse sends, if any (the controller takes it when its
  // output buffer is free); sends pending movement once there is room.
  std::optional<uint8_t> pull();
  bool has_output() const { return !queue_.empty(); }
  size_t queued() const { return queue_.size(); }

  uint8_t id() const { return id_; }
  bool reporting() const { return reporting_; }
  bool remote() const { return remote_; }
  bool wrap() const { return wrap_; }
  uint8_t sample_rate() const { return rate_; }
  uint8_t resolution() const { return resolution_; }
  bool scaling21() const { return scaling21_; }
  size_t packet_size() const { return id_ == kIdStandard ? 3 : 4; }
  const Stats& stats() const { return stats_; }
  void print_stats(std::ostream& os) const;

 private:
  void command(uint8_t cmd);
  void argument(uint8_t cmd, uint8_t value);
  void set_defaults();
  void set_sample_rate(uint8_t rate);
  void reply(uint8_t v);
  void drop_unsent();
  bool pending() const { return dx_ || dy_ || dz_ || buttons_ != sent_buttons_; }
  void flush();                   // stream mode: a packet if something is pending and fits
  std::vector<uint8_t> packet();  // the pending movement as a packet; clears it
  int scaled(int d) const;

  std::deque<uint8_t> queue_;
  std::vector<uint8_t> last_sent_;  // for FEh
  int pending_ = -1;                // a command awaiting its argument
  uint8_t id_ = kIdStandard;
  uint8_t rates_[3] = {};  // the last three sample rates set, newest last
  uint8_t rate_ = 100, resolution_ = 2;
  bool scaling21_ = false, reporting_ = false, remote_ = false, wrap_ = false;
  bool remote_before_wrap_ = false;
  int dx_ = 0, dy_ = 0, dz_ = 0;  // movement not sent yet
  unsigned buttons_ = 0, sent_buttons_ = 0;
  Stats stats_;
};

}  // namespace pxos
