#include "http/io_context_pool.hpp"

#include <chrono>
#include <future>
#include <mutex>
#include <set>
#include <stdexcept>
#include <string>
#include <thread>

#include <boost/asio/post.hpp>
#include <gtest/gtest.h>

namespace citadel::http {
namespace {

std::thread::id ThreadRunning(boost::asio::io_context& context) {
  std::promise<std::thread::id> ran;
  auto answer = ran.get_future();
  boost::asio::post(context, [&ran] { ran.set_value(std::this_thread::get_id()); });
  EXPECT_EQ(answer.wait_for(std::chrono::seconds(10)), std::future_status::ready);
  return answer.get();
}

TEST(IoContextPool, EachContextRunsOnAThreadOfItsOwnAndConnectionsGoInTurn) {
  IoContextPool pool(2);
  pool.Start([](const std::exception&) {});
  boost::asio::io_context* first = &pool.Next();
  boost::asio::io_context* second = &pool.Next();
  EXPECT_NE(first, second);
  EXPECT_EQ(&pool.Next(), first);  // round robin
  // A context with no work of its own yet still runs what is posted to it later.
  std::this_thread::sleep_for(std::chrono::milliseconds(20));
  const auto a = ThreadRunning(*first);
  const auto b = ThreadRunning(*second);
  EXPECT_NE(a, b);
  EXPECT_NE(a, std::this_thread::get_id());
  // The same context always runs on the same thread: a connection's handlers never race.
  EXPECT_EQ(ThreadRunning(*first), a);
  pool.StopAndJoin();
}

TEST(IoContextPool, AThrowingHandlerIsReportedAndTheThreadGoesOn) {
  IoContextPool pool(1);
  std::mutex mutex;
  std::string reported;
  pool.Start([&](const std::exception& error) {
    std::lock_guard lock(mutex);
    reported = error.what();
  });
  boost::asio::post(pool.First(), [] { throw std::runtime_error("handler bug"); });
  ThreadRunning(pool.First());  // still served after the throw
  pool.StopAndJoin();
  std::lock_guard lock(mutex);
  EXPECT_EQ(reported, "handler bug");
}

TEST(IoContextPool, ZeroThreadsMeansOneAndStoppingAnUnstartedPoolIsFine) {
  IoContextPool pool(0);
  EXPECT_EQ(pool.size(), 1u);
  pool.StopAndJoin();
}

}  // namespace
}  // namespace citadel::http
