// Offline mode (README "When the outside is cut off"): the config key and flag, the fetcher that
// opens no socket, pulls refused at once except apt's, and Hugging Face's "unknown" answers
// turned into 503.
#include <arpa/inet.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include <gtest/gtest.h>

#include <string>

#include "daemon/config.hpp"
#include "daemon/fetch/offline_fetcher.hpp"
#include "daemon/hf/hf_offline_answers.hpp"
#include "daemon/offline_pulls.hpp"
#include "daemon/service/reload.hpp"
#include "tests/unit/daemon/hf_routes_fixture.hpp"

namespace mirrord {
namespace {

TEST(OfflineConfigTest, KeyAndFlagEachMakeTheDaemonOffline) {
  auto plain = parse_config("", "empty.toml");
  ASSERT_TRUE(plain);
  EXPECT_FALSE(plain->offline());
  auto keyed = parse_config("[upstream]\noffline = true\n", "offline.toml");
  ASSERT_TRUE(keyed) << keyed.error().message;
  EXPECT_TRUE(keyed->offline());
  Config flagged = *plain;
  flagged.offline_flag = true;
  EXPECT_TRUE(flagged.offline());
  auto wrong = parse_config("[upstream]\noffline = \"yes\"\n", "wrong.toml");
  ASSERT_FALSE(wrong);
  EXPECT_NE(wrong.error().message.find("wrong.toml:2"), std::string::npos);
}

TEST(OfflineConfigTest, ReloadReportsTheKeyButNotTheFlag) {
  Config running;
  running.offline_flag = true;  // a file without the key is no change
  EXPECT_TRUE(service::settings_needing_restart(running, Config{}).empty());
  Config next;
  next.upstream_offline = true;
  EXPECT_EQ(service::settings_needing_restart(Config{}, next),
            std::vector<std::string>{"[upstream] offline"});
}

// A listening socket on 127.0.0.1 whose backlog shows whether anyone connected.
class Listener {
 public:
  Listener() {
    fd_ = ::socket(AF_INET, SOCK_STREAM | SOCK_NONBLOCK, 0);
    sockaddr_in address{};
    address.sin_family = AF_INET;
    address.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    socklen_t length = sizeof(address);
    ::bind(fd_, reinterpret_cast<sockaddr*>(&address), length);
    ::listen(fd_, 8);
    ::getsockname(fd_, reinterpret_cast<sockaddr*>(&address), &length);
    port_ = ntohs(address.sin_port);
  }
  ~Listener() { ::close(fd_); }
  int port() const { return port_; }
  bool was_contacted() const {
    const int peer = ::accept(fd_, nullptr, nullptr);
    if (peer >= 0) {
      ::close(peer);
    }
    return peer >= 0;
  }

 private:
  int fd_ = -1;
  int port_ = 0;
};

TEST(OfflineFetcherTest, RefusesAtOnceWithoutConnecting) {
  Listener upstream;
  ASSERT_GT(upstream.port(), 0);
  auto fetcher = make_offline_fetcher();
  FetchRequest request;
  request.url = "http://127.0.0.1:" + std::to_string(upstream.port()) + "/simple/pip/?token=x";
  bool received = false;
  auto answer = fetcher->fetch(
      request,
      [&](std::span<const std::byte>) {
        received = true;
        return Status{};
      },
      nullptr);
  ASSERT_FALSE(answer);
  EXPECT_EQ(answer.error().code, ErrorCode::kUpstreamRetryable);
  EXPECT_EQ(answer.error().message, "offline: http://127.0.0.1:" + std::to_string(upstream.port()) +
                                        " not contacted (mirrord runs offline)");
  EXPECT_FALSE(received);
  EXPECT_FALSE(upstream.was_contacted());
}

Policy policy_of(const std::string& name, const std::string& source) {
  Policy policy;
  policy.name = name;
  policy.source = source;
  return policy;
}

TEST(OfflinePullsTest, RefusesEveryPullButAptsWithoutBuildingIt) {
  std::vector<std::string> built;
  PullWorkFactory online = [&built](const Policy& policy) -> JobWork {
    built.push_back(policy.name);
    return [](JobContext&) { return Status{}; };
  };
  const PullWorkFactory offline = refuse_pulls_offline(online);
  for (const char* source : {"hf", "pypi", "git", "peer:other"}) {
    JobContext job;
    const Status status = offline(policy_of("entry", source))(job);
    ASSERT_FALSE(status) << source;
    EXPECT_EQ(status.error().message,
              "the mirror is offline: entry not pulled, no upstream contacted; still serving what "
              "is mirrored");
  }
  EXPECT_TRUE(built.empty());
  JobContext job;
  EXPECT_TRUE(offline(policy_of("debian", "apt"))(job));
  EXPECT_EQ(built, std::vector<std::string>{"debian"});
}

}  // namespace

namespace hf_test {
namespace {

class HfOfflineAnswersTest : public HfRoutesTest {
 protected:
  http::Response offline_call(const std::string& method, const std::string& target) const {
    auto answer = hf::unknown_is_unavailable(make_route())(make_request(method, target));
    EXPECT_TRUE(answer.has_value()) << target;
    return answer.value_or(http::Response{});
  }
};

TEST_F(HfOfflineAnswersTest, UnmirroredRepoOrRevisionIs503WithRetryAfter) {
  for (const std::string& target :
       {std::string("/api/models/someone/not-mirrored"), std::string("/someone/x/resolve/main/a"),
        std::string("/") + kQ05 + "/resolve/no-such-branch/config.json",
        std::string("/api/models/") + kQ05 + "/revision/" + std::string(40, 'a')}) {
    for (const char* method : {"GET", "HEAD"}) {
      const auto answer = offline_call(method, target);
      EXPECT_EQ(answer.status, 503) << method << " " << target;
      EXPECT_EQ(header_or_empty(answer, "Retry-After"), "5") << target;
      EXPECT_FALSE(answer.headers.get("X-Error-Code").has_value()) << target;
      EXPECT_EQ(header_or_empty(answer, "X-Error-Message")
                    .rfind("The mirror is offline and cannot ask upstream: ", 0),
                0u)
          << target;
    }
  }
}

TEST_F(HfOfflineAnswersTest, MirroredAnswersAndAbsentEntriesStay) {
  const std::string resolve = std::string("/") + kQ05 + "/resolve/main/";
  EXPECT_EQ(offline_call("GET", resolve + "config.json").status, 200);
  const auto absent = offline_call("HEAD", resolve + "no-such-file.txt");
  EXPECT_EQ(absent.status, 404);
  EXPECT_EQ(header_or_empty(absent, "X-Error-Code"), "EntryNotFound");
  EXPECT_EQ(header_or_empty(absent, "X-Repo-Commit"), kCommit);
  // Online, the same unknown repo is RepoNotFound: the wrapper alone changes it.
  const auto online = call("GET", "/api/models/someone/not-mirrored");
  EXPECT_EQ(online.status, 404);
  EXPECT_EQ(header_or_empty(online, "X-Error-Code"), "RepoNotFound");
}

}  // namespace
}  // namespace hf_test
}  // namespace mirrord
