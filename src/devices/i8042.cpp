#include "devices/i8042.h"

#include <optional>
#include <ostream>

namespace pxos {

namespace {
// Controller commands (port 64h).
constexpr uint8_t kReadRamFirst = 0x20, kReadRamLast = 0x3F;    // 20h: the command byte
constexpr uint8_t kWriteRamFirst = 0x60, kWriteRamLast = 0x7F;  // 60h: the command byte
constexpr uint8_t kDisableAux = 0xA7, kEnableAux = 0xA8, kTestAux = 0xA9;
constexpr uint8_t kSelfTest = 0xAA, kTestKeyboardPort = 0xAB;
constexpr uint8_t kDisableKeyboard = 0xAD, kEnableKeyboard = 0xAE;
constexpr uint8_t kReadInputPort = 0xC0;
constexpr uint8_t kReadOutputPort = 0xD0, kWriteOutputPort = 0xD1;
constexpr uint8_t kWriteKeyboardBuffer = 0xD2, kWriteAuxBuffer = 0xD3, kWriteAuxDevice = 0xD4;
constexpr uint8_t kA20Off = 0xDD, kA20On = 0xDF;
constexpr uint8_t kReadTestInputs = 0xE0;
constexpr uint8_t kPulseFirst = 0xF0;  // F0h-FFh: pulse output port bits 3:0 that are 0
// Replies.
constexpr uint8_t kSelfTestOk = 0x55, kInterfaceOk = 0x00;
constexpr uint8_t kInputPort = 0xA0;  // keyboard not inhibited, no manufacturing jumper
// Keyboard commands (port 60h) and its replies.
constexpr uint8_t kKbdSetLeds = 0xED, kKbdEcho = 0xEE, kKbdScancodeSet = 0xF0, kKbdIdentify = 0xF2;
constexpr uint8_t kKbdTypematic = 0xF3, kKbdEnable = 0xF4, kKbdDisable = 0xF5, kKbdDefaults = 0xF6;
constexpr uint8_t kKbdSet3First = 0xF7, kKbdSet3Last = 0xFD;
constexpr uint8_t kKbdResend = 0xFE, kKbdReset = 0xFF;
constexpr uint8_t kAck = 0xFA, kResend = 0xFE, kSelfTestPassed = 0xAA;
constexpr uint8_t kIdFirst = 0xAB, kIdTranslated = 0x41, kIdRaw = 0x83;
constexpr uint8_t kDefaultTypematic = 0x2B;  // 10.9 cps, 500 ms
}  // namespace

I8042::I8042(IrqLine irq1, IrqLine irq12) : irq1_(std::move(irq1)), irq12_(std::move(irq12)) {
  ram_[0] = command_byte_;
}

void I8042::attach(PortBus& ports) {
  auto rd = [this](uint16_t p) { return read(p); };
  auto wr = [this](uint16_t p, uint8_t v) { write(p, v); };
  ports.add("i8042-data", kDataPort, 1, byte_registers(kDataPort, 1, rd, wr));
  ports.add("i8042-cmd", kStatusPort, 1, byte_registers(kStatusPort, 1, rd, wr));
}

void I8042::key_event(std::span<const uint8_t> bytes) {
  if (bytes.empty()) return;
  if (!scanning_) {
    ++stats_.keys_disabled;
    return;
  }
  if (kbd_queue_.size() + bytes.size() > kKeyFifoBytes) {
    ++stats_.key_overruns;  // drop the whole key: never half a sequence
    return;
  }
  ++stats_.keys;
  kbd_queue_.insert(kbd_queue_.end(), bytes.begin(), bytes.end());
  refill();
}

void I8042::push(std::deque<uint8_t>& q, uint8_t v) {
  if (q.size() >= kReplyBytes) {
    ++stats_.replies_dropped;
    return;
  }
  q.push_back(v);
}

void I8042::mouse_event(int dx, int dy, int dz, unsigned buttons) {
  mouse_.event(dx, dy, dz, buttons);
  refill();
}

void I8042::update_irq() {
  bool level1 = obf_ && !aux_obf_ && (command_byte_ & kCmdIrq1);
  bool level12 = obf_ && aux_obf_ && (command_byte_ & kCmdIrq12);
  if (level1 != irq1_level_) {
    irq1_level_ = level1;
    irq1_.set(level1);
  }
  if (level12 != irq12_level_) {
    irq12_level_ = level12;
    irq12_.set(level12);
  }
}

void I8042::refill() {
  if (!obf_) {
    aux_obf_ = false;
    if (!ctrl_queue_.empty()) {
      out_ = ctrl_queue_.front();
      ctrl_queue_.pop_front();
      obf_ = true;
    } else if (!aux_queue_.empty()) {
      out_ = aux_queue_.front();
      aux_queue_.pop_front();
      obf_ = aux_obf_ = true;
    } else if (!kbd_queue_.empty() && !(command_byte_ & kCmdKbdDisabled)) {
      out_ = last_kbd_byte_ = kbd_queue_.front();
      kbd_queue_.pop_front();
      obf_ = true;
    } else if (aux_enabled()) {
      if (std::optional<uint8_t> b = mouse_.pull()) {
        out_ = *b;
        obf_ = aux_obf_ = true;
      }
    }
  }
  update_irq();
}

void I8042::set_command_byte(uint8_t v) {
  command_byte_ = ram_[0] = v;
  refill();
}

void I8042::write_output_port(uint8_t v) {
  uint8_t old = output_port_;
  output_port_ = v & uint8_t(~(kOutIrq1 | kOutIrq12));
  if (((old ^ output_port_) & kOutA20) && on_a20) on_a20(a20());
  if (!(output_port_ & kOutReset)) {
    ++stats_.resets;
    output_port_ |= kOutReset;  // a pulse: the line is released again
    if (on_reset) on_reset();
  }
}

void I8042::controller_command(uint8_t cmd) {
  ++stats_.controller_commands;
  if (cmd >= kReadRamFirst && cmd <= kReadRamLast) {
    reply(ram_[cmd - kReadRamFirst]);
  } else if (cmd >= kWriteRamFirst && cmd <= kWriteRamLast) {
    pending_ = cmd;
  } else if (cmd >= kPulseFirst) {
    if (!(cmd & kOutReset)) {  // FEh and friends: pulse the reset line
      ++stats_.resets;
      if (on_reset) on_reset();
    }
  } else {
    switch (cmd) {
      case kDisableAux: set_command_byte(command_byte_ | kCmdAuxDisabled); break;
      case kEnableAux: set_command_byte(command_byte_ & uint8_t(~kCmdAuxDisabled)); break;
      case kTestAux: reply(kInterfaceOk); break;
      case kSelfTest: reply(kSelfTestOk); break;
      case kTestKeyboardPort: reply(kInterfaceOk); break;
      case kDisableKeyboard: set_command_byte(command_byte_ | kCmdKbdDisabled); break;
      case kEnableKeyboard: set_command_byte(command_byte_ & uint8_t(~kCmdKbdDisabled)); break;
      case kReadInputPort: reply(kInputPort); break;
      case kReadOutputPort:
        reply(uint8_t(output_port_ | (obf_ && !aux_obf_ ? kOutIrq1 : 0) | (obf_ && aux_obf_ ? kOutIrq12 : 0)));
        break;
      case kWriteOutputPort:
      case kWriteKeyboardBuffer:
      case kWriteAuxBuffer:
      case kWriteAuxDevice: pending_ = cmd; break;
      case kA20Off: write_output_port(output_port_ & uint8_t(~kOutA20)); break;
      case kA20On: write_output_port(output_port_ | kOutA20); break;
      case kReadTestInputs: reply(0x00); break;
      default: ++stats_.unknown_commands; break;
    }
  }
  refill();
}

void I8042::controller_data(uint8_t cmd, uint8_t v) {
  if (cmd >= kWriteRamFirst && cmd <= kWriteRamLast) {
    if (cmd == kWriteRamFirst)
      set_command_byte(v);
    else
      ram_[cmd - kWriteRamFirst] = v;
  } else if (cmd == kWriteOutputPort) {
    write_output_port(v);
  } else if (cmd == kWriteKeyboardBuffer) {
    reply(v);  // as if the keyboard had sent it
  } else if (cmd == kWriteAuxBuffer) {
    push(aux_queue_, v);  // as if the AUX device had sent it
  } else if (cmd == kWriteAuxDevice) {
    ++stats_.aux_bytes;
    mouse_.write(v);
  }
  refill();
}

void I8042::keyboard_byte(uint8_t v) {
  ++stats_.keyboard_commands;
  if (kbd_pending_ >= 0 && v < 0x80) {  // a parameter (a byte >= 80h is a new command)
    uint8_t cmd = uint8_t(kbd_pending_);
    kbd_pending_ = -1;
    switch (cmd) {
      case kKbdSetLeds:
        leds_ = v & 7;
        kbd_reply(kAck);
        break;
      case kKbdTypematic:
        typematic_ = v;
        kbd_reply(kAck);
        break;
      case kKbdScancodeSet:
        if (v == 0) {
          kbd_reply(kAck);
          kbd_reply(scancode_set_);
        } else if (v <= 3) {
          scancode_set_ = v;
          kbd_reply(kAck);
        } else {
          kbd_reply(kResend);
        }
        break;
      default: break;
    }
  } else {
    kbd_pending_ = -1;
    keyboard_command(v);
  }
  refill();
}

void I8042::keyboard_command(uint8_t v) {
  switch (v) {
    case kKbdSetLeds:
    case kKbdTypematic:
    case kKbdScancodeSet:
      kbd_reply(kAck);
      kbd_pending_ = v;
      break;
    case kKbdEcho: kbd_reply(kKbdEcho); break;
    case kKbdIdentify:
      kbd_reply(kAck);
      kbd_reply(kIdFirst);
      kbd_reply(command_byte_ & kCmdTranslate ? kIdTranslated : kIdRaw);
      break;
    case kKbdEnable:
      kbd_queue_.clear();
      scanning_ = true;
      kbd_reply(kAck);
      break;
    case kKbdDisable:
      kbd_queue_.clear();
      scanning_ = false;
      typematic_ = kDefaultTypematic;
      kbd_reply(kAck);
      break;
    case kKbdDefaults:
      kbd_queue_.clear();
      typematic_ = kDefaultTypematic;
      kbd_reply(kAck);
      break;
    case kKbdResend: kbd_reply(last_kbd_byte_); break;
    case kKbdReset:
      kbd_queue_.clear();
      scanning_ = true;
      leds_ = 0;
      scancode_set_ = 2;
      typematic_ = kDefaultTypematic;
      kbd_reply(kAck);
      kbd_reply(kSelfTestPassed);
      break;
    default:
      if (v >= kKbdSet3First && v <= kKbdSet3Last) {
        kbd_reply(kAck);  // set-3 key attributes: accepted, no effect
      } else {
        ++stats_.unknown_commands;
        kbd_reply(kResend);
      }
      break;
  }
}

uint8_t I8042::read(uint16_t port) {
  if (port == kDataPort) {
    uint8_t v = out_;
    if (obf_) {
      obf_ = false;
      ++stats_.bytes_delivered;
      update_irq();  // the line drops, then rises again with the next byte
      refill();
    }
    return v;
  }
  uint8_t status = kStatusUnlocked;
  if (obf_) status |= kStatusObf;
  if (obf_ && aux_obf_) status |= kStatusAuxObf;
  if (command_byte_ & kCmdSystem) status |= kStatusSystem;
  if (last_was_command_) status |= kStatusCommand;
  return status;
}

void I8042::write(uint16_t port, uint8_t value) {
  if (port == kStatusPort) {
    last_was_command_ = true;
    pending_ = -1;
    controller_command(value);
    return;
  }
  last_was_command_ = false;
  if (pending_ >= 0) {
    uint8_t cmd = uint8_t(pending_);
    pending_ = -1;
    controller_data(cmd, value);
  } else {
    keyboard_byte(value);
  }
}

void I8042::print_stats(std::ostream& os) const {
  os << "  i8042: " << stats_.keys << " keys, " << stats_.key_overruns << " overruns, " << stats_.keys_disabled
     << " dropped while disabled, " << stats_.bytes_delivered << " bytes read, " << stats_.controller_commands
     << " controller commands, " << stats_.keyboard_commands << " keyboard bytes, " << stats_.unknown_commands
     << " unknown, " << stats_.resets << " resets, " << stats_.aux_bytes << " bytes to the mouse, "
     << stats_.replies_dropped << " unread replies dropped; A20 " << (a20() ? "on" : "off") << ", AUX "
     << (aux_enabled() ? "enabled" : "disabled") << "\n";
}

}  // namespace pxos
