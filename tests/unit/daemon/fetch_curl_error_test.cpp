#include <gtest/gtest.h>

#include "daemon/fetch/curl_error.hpp"

namespace mirrord {
namespace {

TEST(CurlErrorCode, TransientNetworkFailuresAreRetryable) {
  for (CURLcode code :
       {CURLE_OPERATION_TIMEDOUT, CURLE_COULDNT_CONNECT, CURLE_RECV_ERROR, CURLE_SEND_ERROR,
        CURLE_PARTIAL_FILE, CURLE_GOT_NOTHING, CURLE_COULDNT_RESOLVE_HOST, CURLE_HTTP2_STREAM}) {
    EXPECT_EQ(curl_error_code(code), ErrorCode::kUpstreamRetryable) << curl_easy_strerror(code);
  }
}

TEST(CurlErrorCode, TlsAndRedirectFailuresArePermanent) {
  for (CURLcode code :
       {CURLE_SSL_CONNECT_ERROR, CURLE_PEER_FAILED_VERIFICATION, CURLE_SSL_CACERT_BADFILE,
        CURLE_SSL_PINNEDPUBKEYNOTMATCH, CURLE_TOO_MANY_REDIRECTS, CURLE_UNSUPPORTED_PROTOCOL}) {
    EXPECT_EQ(curl_error_code(code), ErrorCode::kUpstream) << curl_easy_strerror(code);
  }
}

TEST(CurlErrorCode, OtherCategories) {
  EXPECT_EQ(curl_error_code(CURLE_ABORTED_BY_CALLBACK), ErrorCode::kCancelled);
  EXPECT_EQ(curl_error_code(CURLE_URL_MALFORMAT), ErrorCode::kInvalidInput);
  EXPECT_EQ(curl_error_code(CURLE_FILESIZE_EXCEEDED), ErrorCode::kSizeMismatch);
  EXPECT_EQ(curl_error_code(CURLE_OUT_OF_MEMORY), ErrorCode::kInternal);
}

TEST(CurlError, MessageNamesTheRedactedUrlCurlsDetailAndTheCode) {
  const Error error = curl_error(CURLE_OPERATION_TIMEDOUT, "Operation too slow",
                                 "https://huggingface.co/x?<query>");
  EXPECT_EQ(error.code, ErrorCode::kUpstreamRetryable);
  EXPECT_NE(error.message.find("https://huggingface.co/x?<query>"), std::string::npos);
  EXPECT_NE(error.message.find("Operation too slow"), std::string::npos);
  EXPECT_NE(error.message.find("curl 28"), std::string::npos);
}

TEST(CurlError, FallsBackToCurlsDescriptionWithoutDetail) {
  const Error error = curl_error(CURLE_TOO_MANY_REDIRECTS, "", "http://h/");
  EXPECT_NE(error.message.find(curl_easy_strerror(CURLE_TOO_MANY_REDIRECTS)), std::string::npos);
}

}  // namespace
}  // namespace mirrord
