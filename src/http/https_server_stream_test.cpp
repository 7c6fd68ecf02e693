// Streamed bodies (body_stream.hpp) over real TLS: the bytes arrive whole and
// in order with the announced Content-Length, a HEAD gets the length and
// cancels the producer, and a producer that fails or stalls closes the
// connection rather than send a body other than the one announced.
#include <atomic>
#include <chrono>
#include <memory>
#include <string>
#include <thread>

#include <gtest/gtest.h>

#include "http/body_stream.hpp"
#include "http/test_edge_server.hpp"

namespace citadel::http {
namespace {

using testing::EdgeServerTest;
using testing::Fetch;

// Delivers `chunks` chunks of 64 KiB from a thread of its own; then fails
// (nullopt) when `fail_after` chunks were sent, or goes silent when `stall`.
class TestStream final : public BodyStream {
 public:
  TestStream(int chunks, int fail_after, bool stall) : chunks_(chunks), fail_after_(fail_after), stall_(stall) {}
  void Next(std::function<void(std::optional<std::string>)> deliver) override {
    const int index = sent_++;
    if (stall_ && index == fail_after_) return;  // never answers
    std::thread([deliver = std::move(deliver), index, this] {
      if (index == fail_after_ || index >= chunks_) return deliver(std::nullopt);
      deliver(std::string(64 * 1024, static_cast<char>('a' + index % 26)));
    }).detach();
  }
  void Cancel() override { cancelled = true; }
  std::atomic<bool> cancelled{false};

 private:
  int chunks_;
  int fail_after_;
  bool stall_;
  std::atomic<int> sent_{0};
};

class HttpsServerStreamTest : public EdgeServerTest {
 protected:
  void StartWithStream(std::shared_ptr<TestStream> stream, std::uint64_t length) {
    stream_ = std::move(stream);
    StartServer(SmallConfig(), [this, length](Router& router) {
      router.Add("GET", "/stream", [this, length](const Request&, Responder respond) {
        Response response;
        response.content_type = "application/x-tar";
        response.stream = stream_;
        response.stream_length = length;
        respond(std::move(response));
      });
    });
  }
  std::shared_ptr<TestStream> stream_;
};

TEST_F(HttpsServerStreamTest, AStreamedBodyArrivesWholeWithItsLength) {
  StartWithStream(std::make_shared<TestStream>(8, -1, false), 8 * 64 * 1024);
  auto reply = Fetch(server_->https_port(), "GET", "/stream", Client());
  ASSERT_TRUE(reply);
  EXPECT_EQ(reply->status, 200);
  EXPECT_EQ(reply->Header("Content-Length"), std::to_string(8 * 64 * 1024));
  EXPECT_EQ(reply->Header("Content-Type"), "application/x-tar");
  ASSERT_EQ(reply->body.size(), 8u * 64 * 1024);
  for (int i = 0; i < 8; ++i) EXPECT_EQ(reply->body[static_cast<std::size_t>(i) * 64 * 1024], 'a' + i);
  EXPECT_TRUE(reply->Header("Strict-Transport-Security").has_value());
  for (int i = 0; i < 100 && !stream_->cancelled; ++i) std::this_thread::sleep_for(std::chrono::milliseconds(10));
  EXPECT_TRUE(stream_->cancelled);  // released once complete
}

TEST_F(HttpsServerStreamTest, HeadGetsTheLengthAndCancelsTheProducer) {
  StartWithStream(std::make_shared<TestStream>(8, -1, false), 8 * 64 * 1024);
  auto connection = testing::TestConnection::Open(server_->https_port(), Client());
  ASSERT_TRUE(connection);
  ASSERT_TRUE(connection->Send("HEAD /stream HTTP/1.1\r\nHost: localhost\r\n\r\n"));
  auto reply = connection->ReadReply(true);
  ASSERT_TRUE(reply);
  EXPECT_EQ(reply->Header("Content-Length"), std::to_string(8 * 64 * 1024));
  EXPECT_TRUE(reply->body.empty());
  EXPECT_TRUE(stream_->cancelled);
}

TEST_F(HttpsServerStreamTest, AFailingProducerCutsTheConnectionShort) {
  StartWithStream(std::make_shared<TestStream>(8, 3, false), 8 * 64 * 1024);
  auto reply = Fetch(server_->https_port(), "GET", "/stream", Client());
  EXPECT_TRUE(!reply || reply->body.size() < 8u * 64 * 1024);
  EXPECT_TRUE(stream_->cancelled);
}

TEST_F(HttpsServerStreamTest, AProducerThatDeliversMoreThanAnnouncedIsCut) {
  StartWithStream(std::make_shared<TestStream>(8, -1, false), 64 * 1024 + 10);
  auto reply = Fetch(server_->https_port(), "GET", "/stream", Client());
  EXPECT_TRUE(!reply || reply->body.size() < 64u * 1024 + 10);
}

TEST_F(HttpsServerStreamTest, AStalledProducerTimesOut) {
  StartWithStream(std::make_shared<TestStream>(8, 2, true), 8 * 64 * 1024);
  const auto start = std::chrono::steady_clock::now();
  auto reply = Fetch(server_->https_port(), "GET", "/stream", Client());
  EXPECT_TRUE(!reply || reply->body.size() < 8u * 64 * 1024);
  EXPECT_LT(std::chrono::steady_clock::now() - start, std::chrono::seconds(30));
  EXPECT_TRUE(stream_->cancelled);
}

}  // namespace
}  // namespace citadel::http
