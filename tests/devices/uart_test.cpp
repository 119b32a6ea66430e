#include "devices/uart.h"

#include <arpa/inet.h>
#include <netinet/in.h>
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <gtest/gtest.h>

#include <chrono>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <thread>
#include <vector>

#include "devices/serial_backend.h"
#include "vm/bus.h"

namespace pxos {
namespace {

constexpr uint16_t B = Uart::kCom1Base;

struct CaptureSerial : SerialBackend {
  std::vector<uint8_t> out;
  void write(std::span<const uint8_t> bytes) override {
    out.insert(out.end(), bytes.begin(), bytes.end());
    stats_.bytes_out += bytes.size();
  }
  std::string describe() const override { return "capture"; }
};

struct UartTest : ::testing::Test {
  int edges = 0;
  bool level = false;
  std::shared_ptr<CaptureSerial> capture = std::make_shared<CaptureSerial>();
  PortBus bus;
  Uart uart{B, IrqLine{[this](int irq, bool l) {
                         EXPECT_EQ(irq, Uart::kCom1Irq);
                         if (l && !level) ++edges;
                         level = l;
                       },
                       Uart::kCom1Irq},
            capture};
  UartTest() { uart.attach(bus); }
  uint8_t rd(uint16_t reg) { return uint8_t(bus.read(uint16_t(B + reg), 1)); }
  void wr(uint16_t reg, uint8_t v) { bus.write(uint16_t(B + reg), 1, v); }
  void rx(std::initializer_list<uint8_t> bytes) { uart.receive(std::vector<uint8_t>(bytes)); }
};

TEST_F(UartTest, ResetState) {
  EXPECT_EQ(rd(Uart::kIir), 0x01);
  EXPECT_EQ(rd(Uart::kLsr), 0x60);
  EXPECT_EQ(rd(Uart::kMsr), 0xB0);  // CTS, DSR, DCD from the backend side
  EXPECT_EQ(rd(Uart::kLcr), 0x00);
  EXPECT_FALSE(level);
}

TEST_F(UartTest, DivisorLatch) {
  wr(Uart::kLcr, 0x80);
  wr(Uart::kDll, 0x0C);
  wr(Uart::kDlm, 0x00);
  EXPECT_EQ(rd(Uart::kDll), 0x0C);
  EXPECT_EQ(rd(Uart::kDlm), 0x00);
  wr(Uart::kLcr, 0x03);
  EXPECT_EQ(uart.divisor(), 12);
  EXPECT_EQ(uart.baud(), 9600u);
  EXPECT_EQ(uart.lcr(), 0x03);
  EXPECT_EQ(uart.line_settings(), "9600 8N1");
  EXPECT_EQ(rd(Uart::kIer), 0x00);  // IER again, not DLM
  wr(Uart::kLcr, 0x80);
  bus.write(B, 2, 0x0001);  // a word write fills DLL and DLM
  wr(Uart::kLcr, 0x1A);
  EXPECT_EQ(uart.divisor(), 1);
  EXPECT_EQ(uart.line_settings(), "115200 7E1");
  EXPECT_TRUE(capture->out.empty());  // divisor writes are not data
}

TEST_F(UartTest, TransmitGoesToTheBackend) {
  for (char c : std::string("hi\n")) wr(Uart::kThr, uint8_t(c));
  EXPECT_EQ(std::string(capture->out.begin(), capture->out.end()), "hi\n");
  EXPECT_EQ(uart.stats().bytes_out, 3u);
  EXPECT_EQ(rd(Uart::kLsr) & 0x60, 0x60);
}

TEST_F(UartTest, LoopBack) {
  wr(Uart::kMcr, 0x10);
  wr(Uart::kThr, 'A');
  EXPECT_TRUE(capture->out.empty());
  EXPECT_EQ(rd(Uart::kLsr) & 0x01, 0x01);
  EXPECT_EQ(rd(Uart::kRbr), 'A');
  EXPECT_EQ(rd(Uart::kLsr) & 0x01, 0x00);
  EXPECT_EQ(uart.stats().loopback, 1u);
  rx({'h'});  // the serial input is disconnected in loop-back
  EXPECT_EQ(rd(Uart::kLsr) & 0x01, 0x00);
  EXPECT_EQ(uart.stats().dropped_in_loopback, 1u);
  wr(Uart::kMcr, 0x00);
  rx({'h'});
  EXPECT_EQ(rd(Uart::kRbr), 'h');
}

TEST_F(UartTest, LoopBackMapsModemLines) {
  wr(Uart::kMcr, 0x10);
  EXPECT_EQ(rd(Uart::kMsr), 0x0B);  // CTS, DSR, DCD dropped: deltas; MSR inputs all low
  wr(Uart::kMcr, 0x11);  // DTR -> DSR
  EXPECT_EQ(rd(Uart::kMsr), 0x22);
  wr(Uart::kMcr, 0x12);  // RTS -> CTS
  EXPECT_EQ(rd(Uart::kMsr), 0x13);
  wr(Uart::kMcr, 0x14);  // OUT1 -> RI
  EXPECT_EQ(rd(Uart::kMsr), 0x41);
  wr(Uart::kMcr, 0x18);  // OUT2 -> DCD; RI trailing edge
  EXPECT_EQ(rd(Uart::kMsr), 0x8C);
  wr(Uart::kMcr, 0x1F);
  EXPECT_EQ(rd(Uart::kMsr) & 0xF0, 0xF0);
}

TEST_F(UartTest, FifoHolds16BytesThenOverruns) {
  wr(Uart::kFcr, 0x07);
  std::vector<uint8_t> in;
  for (int i = 0; i < 17; ++i) in.push_back(uint8_t('a' + i));
  uart.receive(in);
  EXPECT_EQ(uart.rx_count(), 16u);
  EXPECT_EQ(uart.stats().overruns, 1u);
  EXPECT_EQ(rd(Uart::kLsr), 0x63);  // DR OE THRE TEMT
  EXPECT_EQ(rd(Uart::kLsr), 0x61);  // OE cleared by reading
  for (int i = 0; i < 16; ++i) EXPECT_EQ(rd(Uart::kRbr), 'a' + i);
  EXPECT_EQ(rd(Uart::kLsr) & 0x01, 0x00);
}

TEST_F(UartTest, Without16550FifoOneByteAndOverwrite) {
  rx({'x', 'y'});
  EXPECT_EQ(uart.rx_count(), 1u);
  EXPECT_EQ(rd(Uart::kLsr) & 0x03, 0x03);
  EXPECT_EQ(rd(Uart::kRbr), 'y');
}

TEST_F(UartTest, FifoTriggerLevelAndTimeout) {
  wr(Uart::kFcr, 0x81);  // trigger at 8
  wr(Uart::kIer, 0x01);
  EXPECT_EQ(rd(Uart::kIir), 0xC1);
  rx({1, 2, 3, 4, 5, 6, 7});
  EXPECT_EQ(rd(Uart::kIir), 0xCC);  // below trigger: character timeout
  rx({8});
  EXPECT_EQ(rd(Uart::kIir), 0xC4);
  wr(Uart::kFcr, 0x83);  // clear RX
  EXPECT_EQ(uart.rx_count(), 0u);
  EXPECT_EQ(rd(Uart::kIir), 0xC1);
  wr(Uart::kFcr, 0x00);
  EXPECT_EQ(rd(Uart::kIir), 0x01);
}

TEST_F(UartTest, InterruptPriorities) {
  wr(Uart::kMcr, 0x08);
  rx({'1', '2'});  // overrun in 16450 mode: line status and data
  uart.set_modem_inputs(false, true, true, false);  // CTS dropped: modem status
  wr(Uart::kIer, 0x0F);                              // also arms THRE
  EXPECT_TRUE(level);
  EXPECT_EQ(rd(Uart::kIir), 0x06);
  EXPECT_EQ(rd(Uart::kIir), 0x06);  // stays until LSR is read
  rd(Uart::kLsr);
  EXPECT_EQ(rd(Uart::kIir), 0x04);
  EXPECT_EQ(rd(Uart::kRbr), '2');
  EXPECT_EQ(rd(Uart::kIir), 0x02);  // reading IIR with THRE showing clears it
  EXPECT_EQ(rd(Uart::kIir), 0x00);
  EXPECT_EQ(rd(Uart::kMsr), 0xA1);
  EXPECT_EQ(rd(Uart::kIir), 0x01);
  EXPECT_FALSE(level);
}

TEST_F(UartTest, ThreInterruptRearms) {
  wr(Uart::kMcr, 0x08);
  wr(Uart::kIer, 0x02);
  EXPECT_TRUE(level);
  EXPECT_EQ(edges, 1);
  EXPECT_EQ(rd(Uart::kIir), 0x02);
  EXPECT_FALSE(level);
  EXPECT_EQ(rd(Uart::kIir), 0x01);
  wr(Uart::kThr, 'z');  // THR empties again: a new THRE interrupt
  EXPECT_TRUE(level);
  EXPECT_EQ(edges, 2);
  wr(Uart::kIer, 0x02);  // no 0 -> 1 change: nothing new
  EXPECT_EQ(rd(Uart::kIir), 0x02);
  wr(Uart::kIer, 0x02);
  EXPECT_EQ(rd(Uart::kIir), 0x01);
  wr(Uart::kIer, 0x00);
  wr(Uart::kIer, 0x02);  // enabling ETBEI with THR empty
  EXPECT_EQ(rd(Uart::kIir), 0x02);
}

TEST_F(UartTest, HigherPriorityReadDoesNotConsumeThre) {
  wr(Uart::kMcr, 0x08);
  wr(Uart::kIer, 0x03);
  rx({'q'});
  EXPECT_EQ(rd(Uart::kIir), 0x04);  // data shown, THRE still pending behind it
  rd(Uart::kRbr);
  EXPECT_EQ(rd(Uart::kIir), 0x02);
}

TEST_F(UartTest, Out2GatesTheIrqLine) {
  wr(Uart::kIer, 0x01);
  rx({'k'});
  EXPECT_EQ(rd(Uart::kIir), 0x04);
  EXPECT_FALSE(level);
  wr(Uart::kMcr, 0x08);
  EXPECT_TRUE(level);
  wr(Uart::kMcr, 0x18);  // loop-back: the OUT2 pin is inactive
  EXPECT_FALSE(level);
  wr(Uart::kMcr, 0x08);
  EXPECT_TRUE(level);
  rd(Uart::kRbr);
  EXPECT_FALSE(level);
  EXPECT_EQ(uart.stats().irqs, 2u);
}

TEST_F(UartTest, ModemStatusInterrupt) {
  wr(Uart::kMcr, 0x08);
  wr(Uart::kIer, 0x08);
  EXPECT_FALSE(level);
  uart.set_modem_inputs(true, true, false, true);  // DCD dropped, RI raised
  EXPECT_TRUE(level);
  EXPECT_EQ(rd(Uart::kMsr), 0x78);  // DDCD; RI rising edge sets no TERI
  EXPECT_FALSE(level);
  uart.set_modem_inputs(true, true, false, false);
  EXPECT_EQ(rd(Uart::kMsr), 0x34);  // TERI on the trailing edge
}

TEST_F(UartTest, ScratchRegister) {
  wr(Uart::kScr, 0x5A);
  EXPECT_EQ(rd(Uart::kScr), 0x5A);
  std::ostringstream os;
  uart.print_stats(os);
  EXPECT_NE(os.str().find("uart-3f8"), std::string::npos);
}

TEST(SerialBackend, FileTruncatesOrAppends) {
  auto path = std::filesystem::temp_directory_path() / ("pxos-uart-test-" + std::to_string(::getpid()) + ".txt");
  {
    std::ofstream(path) << "old";
    auto backend = std::shared_ptr<SerialBackend>(parse_serial_backend("file:" + path.string()));
    Uart uart(Uart::kCom2Base, IrqLine{}, backend);
    for (char c : std::string("new")) uart.write(Uart::kThr, uint8_t(c));
    EXPECT_EQ(backend->stats().bytes_out, 3u);
    EXPECT_FALSE(backend->has_input());
    EXPECT_EQ(uart.update(0), kNoEvent);
  }
  {
    auto backend = parse_serial_backend("file-append:" + path.string());
    const uint8_t more[] = {'+', '1'};
    backend->write(more);
  }
  std::ifstream in(path);
  std::string text((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
  EXPECT_EQ(text, "new+1");
  std::filesystem::remove(path);
}

TEST(SerialBackend, BadSpecsAreRefusedWithOneLine) {
  auto message = [](const std::string& spec) {
    try {
      parse_serial_backend(spec);
    } catch (const SerialBackendError& e) {
      return std::string(e.what());
    }
    return std::string("no error");
  };
  EXPECT_NE(message("tcp:0.0.0.0:4555").find("only a loopback address"), std::string::npos);
  EXPECT_NE(message("tcp:192.168.1.10:4555").find("only a loopback address"), std::string::npos);
  EXPECT_NE(message("tcp:example.com:4555").find("only a loopback address"), std::string::npos);
  EXPECT_NE(message("tcp:127.0.0.1:99999").find("bad port"), std::string::npos);
  EXPECT_NE(message("tcp:127.0.0.1:").find("bad port"), std::string::npos);
  EXPECT_NE(message("serial0").find("unknown serial backend"), std::string::npos);
  EXPECT_NE(message("file:/nonexistent-dir/x/y").find("cannot open"), std::string::npos);
  for (const char* spec : {"tcp:0.0.0.0:4555", "serial0", "file:/nonexistent-dir/x/y"})
    EXPECT_EQ(message(spec).find('\n'), std::string::npos);
  EXPECT_EQ(parse_serial_backend("null")->describe(), "null");
  EXPECT_EQ(parse_serial_backend("stdio")->describe(), "stdio");
}

TEST(SerialBackend, StdioReadsFromTheGivenFd) {
  int fds[2];
  ASSERT_EQ(::pipe(fds), 0);
  std::FILE* out = std::tmpfile();
  auto backend = std::make_shared<StdioSerial>(fds[0], out);
  Uart uart(Uart::kCom1Base, IrqLine{}, backend);
  uart.write(Uart::kFcr, 0x01);
  EXPECT_EQ(uart.input_fd(), fds[0]);  // a halted guest's monitor waits on it...
  ASSERT_EQ(::write(fds[1], "ok", 2), 2);
  EXPECT_EQ(uart.update(5), kNoEvent);  // ...so the UART need not poll it
  EXPECT_EQ(uart.rx_count(), 2u);
  EXPECT_EQ(uart.read(Uart::kRbr), 'o');
  EXPECT_EQ(uart.read(Uart::kRbr), 'k');
  std::string many(Uart::kFifoSize, 'x');
  ASSERT_EQ(::write(fds[1], many.data(), many.size()), ssize_t(many.size()));
  uart.update(6);
  EXPECT_EQ(uart.rx_count(), Uart::kFifoSize);
  EXPECT_EQ(uart.input_fd(), -1);  // a full receiver takes nothing: no wake-ups for input it cannot take
  while (uart.rx_count()) uart.read(Uart::kRbr);
  uart.write(Uart::kThr, '!');
  std::rewind(out);
  EXPECT_EQ(std::fgetc(out), '!');
  ::close(fds[1]);
  uart.update(10);  // end of input: the backend stops polling
  EXPECT_FALSE(backend->has_input());
  EXPECT_EQ(uart.update(20), kNoEvent);
  ::close(fds[0]);
  std::fclose(out);
}

TEST(SerialBackend, TcpOnLoopbackBothWays) {
  auto owned = parse_serial_backend("tcp:127.0.0.1:0");
  auto* tcp = dynamic_cast<TcpSerial*>(owned.get());
  ASSERT_NE(tcp, nullptr);
  ASSERT_NE(tcp->port(), 0);
  std::shared_ptr<SerialBackend> backend(std::move(owned));
  Uart uart(Uart::kCom1Base, IrqLine{}, backend);
  uart.write(Uart::kFcr, 0x01);
  uart.write(Uart::kThr, 'A');  // nobody connected yet: kept
  EXPECT_FALSE(tcp->connected());

  int client = ::socket(AF_INET, SOCK_STREAM, 0);
  ASSERT_GE(client, 0);
  sockaddr_in sa{};
  sa.sin_family = AF_INET;
  sa.sin_port = htons(tcp->port());
  sa.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  ASSERT_EQ(::connect(client, reinterpret_cast<sockaddr*>(&sa), sizeof sa), 0);
  timeval tv{2, 0};
  ::setsockopt(client, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof tv);

  uart.write(Uart::kThr, 'B');
  EXPECT_TRUE(tcp->connected());
  std::string got;
  char buf[16];
  while (got.size() < 2) {
    ssize_t n = ::recv(client, buf, sizeof buf, 0);
    ASSERT_GT(n, 0);
    got.append(buf, size_t(n));
  }
  EXPECT_EQ(got, "AB");

  ASSERT_EQ(::send(client, "xyz", 3, 0), 3);
  for (int i = 0; i < 200 && uart.rx_count() < 3; ++i) {
    uart.update(0);
    std::this_thread::sleep_for(std::chrono::milliseconds(5));
  }
  ASSERT_EQ(uart.rx_count(), 3u);
  EXPECT_EQ(uart.read(Uart::kRbr), 'x');
  EXPECT_EQ(uart.read(Uart::kRbr), 'y');
  EXPECT_EQ(uart.read(Uart::kRbr), 'z');
  EXPECT_EQ(backend->stats().bytes_in, 3u);
  EXPECT_EQ(backend->stats().bytes_out, 2u);

  ::close(client);
  for (int i = 0; i < 200 && tcp->connected(); ++i) {
    uart.update(0);
    std::this_thread::sleep_for(std::chrono::milliseconds(5));
  }
  EXPECT_FALSE(tcp->connected());  // ready for the next client
}

}  // namespace
}  // namespace pxos
