// frontend/vnc_server.h without a client: the input a client's thread
// queues reaches the callbacks on poll() as set-1 bytes and relative motion,
// and the server refuses bad addresses and busy ports with one line.
#include "frontend/vnc_server.h"

#include <gtest/gtest.h>
#include <rfb/keysym.h>

#include <vector>

namespace pxos {
namespace {

struct Motion {
  int dx, dy, dz;
  unsigned buttons;
  bool operator==(const Motion&) const = default;
};

struct VncServerTest : testing::Test {
  std::vector<std::vector<uint8_t>> keys;
  std::vector<Motion> moves;
  DisplayInput input() {
    DisplayInput in;
    in.on_key = [this](std::span<const uint8_t> b) { keys.emplace_back(b.begin(), b.end()); };
    in.on_mouse = [this](int dx, int dy, int dz, unsigned b) { moves.push_back({dx, dy, dz, b}); };
    return in;
  }
  // A port the kernel picks: listen on 0 is refused, so try a few.
  std::unique_ptr<VncServer> server() {
    for (int port = 47000; port < 47100; ++port) {
      try {
        return std::make_unique<VncServer>("127.0.0.1", port, input());
      } catch (const DisplayError&) {
      }
    }
    return nullptr;
  }
};

TEST_F(VncServerTest, KeysBecomeMakeAndBreakBytes) {
  auto s = server();
  ASSERT_TRUE(s);
  s->queue_key(true, 'a');
  s->queue_key(false, 'a');
  s->queue_key(true, XK_Up);
  s->queue_key(true, 0x00E9);  // no key of a US keyboard: dropped
  EXPECT_TRUE(keys.empty());   // nothing before poll()
  s->poll();
  ASSERT_EQ(keys.size(), 3u);
  EXPECT_EQ(keys[0], (std::vector<uint8_t>{0x1E}));
  EXPECT_EQ(keys[1], (std::vector<uint8_t>{0x9E}));
  EXPECT_EQ(keys[2], (std::vector<uint8_t>{0xE0, 0x48}));
}

TEST_F(VncServerTest, PointerPositionsBecomeRelativeMotion) {
  auto s = server();
  ASSERT_TRUE(s);
  s->queue_pointer(0, 100, 100);     // the first position: nothing moved yet
  s->queue_pointer(0, 105, 90);      // right 5, up 10
  s->queue_pointer(1, 105, 90);      // left button down
  s->queue_pointer(4 | 1, 105, 90);  // and the right one
  s->queue_pointer(0, 105, 90);
  s->queue_pointer(16, 105, 90);  // a wheel click down (button 5 pressed)...
  s->queue_pointer(0, 105, 90);   // ...and released: no second click
  s->queue_pointer(8, 105, 90);   // a wheel click up
  s->poll();
  EXPECT_EQ(moves, (std::vector<Motion>{{5, 10, 0, 0},
                                        {0, 0, 0, kMouseLeft},
                                        {0, 0, 0, kMouseLeft | kMouseRight},
                                        {0, 0, 0, 0},
                                        {0, 0, 1, 0},
                                        {0, 0, -1, 0}}));
}

TEST_F(VncServerTest, BadAddressAndBusyPort) {
  EXPECT_THROW(VncServer("localhost", 5900, input()), DisplayError);
  EXPECT_THROW(VncServer("127.0.0.1", 0, input()), DisplayError);
  auto s = server();
  ASSERT_TRUE(s);
  // The same port again: the first server holds it.
  bool refused = false;
  for (int port = 47000; port < 47100 && !refused; ++port) {
    try {
      VncServer other("127.0.0.1", port, input());
    } catch (const DisplayError& e) {
      refused = std::string(e.what()).find("cannot listen") != std::string::npos;
    }
  }
  EXPECT_TRUE(refused);
}

}  // namespace
}  // namespace pxos
