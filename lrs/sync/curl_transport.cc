// Copyright 2026 The lrs Authors. Licensed under the Apache License, Version 2.0.
//
// The libcurl transport: the only file of lrs that includes curl. Each
// SendAll runs its requests concurrently on a curl multi handle; easy
// handles (and with them open connections) are pooled for reuse.

#include <curl/curl.h>

#include <algorithm>
#include <cctype>
#include <mutex>

#include "lrs/sync/network_guard.h"
#include "lrs/sync/transport.h"

namespace lrs::sync {
namespace {

std::once_flag g_curl_init;

size_t OnBody(char* p, size_t size, size_t n, void* user) {
  static_cast<HttpResponse*>(user)->body.append(p, size * n);
  return size * n;
}

size_t OnHeader(char* p, size_t size, size_t n, void* user) {
  auto* r = static_cast<HttpResponse*>(user);
  std::string_view line(p, size * n);
  if (line.rfind("HTTP/", 0) == 0) {  // a new response (after 100-continue or a redirect)
    r->headers.clear();
    return size * n;
  }
  auto colon = line.find(':');
  if (colon == std::string_view::npos) return size * n;
  std::string name(line.substr(0, colon));
  for (auto& c : name) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  std::string_view value = line.substr(colon + 1);
  while (!value.empty() && (value.front() == ' ' || value.front() == '\t')) value.remove_prefix(1);
  while (!value.empty() && (value.back() == '\r' || value.back() == '\n' || value.back() == ' '))
    value.remove_suffix(1);
  r->headers.emplace_back(std::move(name), std::string(value));
  return size * n;
}

// What the opensocket callback needs: the request's guard, and where to
// say why it refused.
struct GuardCheck {
  const NetworkGuard* guard = nullptr;
  std::string refused;  // the first refusal
};

curl_socket_t OpenSocket(void* user, curlsocktype purpose, curl_sockaddr* a) {
  auto* check = static_cast<GuardCheck*>(user);
  if (check->guard && purpose == CURLSOCKTYPE_IPCXN) {
    std::string why;
    if (!check->guard->Allows(&a->addr, &why)) {
      if (check->refused.empty()) check->refused = "refused by the SSRF guard: " + why;
      return CURL_SOCKET_BAD;
    }
  }
  return socket(a->family, a->socktype, a->protocol);
}

// Called for every request once its connection is made or reused (a
// pooled connection opened under another destination's guard must pass
// this request's guard too).
int PreRequest(void* user, char* primary_ip, char*, int, int) {
  auto* check = static_cast<GuardCheck*>(user);
  if (!check->guard) return CURL_PREREQFUNC_OK;
  std::string why;
  if (check->guard->AllowsText(primary_ip ? primary_ip : "", &why)) return CURL_PREREQFUNC_OK;
  if (check->refused.empty()) check->refused = "refused by the SSRF guard: " + why;
  return CURL_PREREQFUNC_ABORT;
}

class CurlTransport final : public HttpTransport {
 public:
  explicit CurlTransport(const TransportOptions& o) : options_(o) {
    std::call_once(g_curl_init, [] { curl_global_init(CURL_GLOBAL_DEFAULT); });
    share_ = curl_share_init();
    // DNS answers and open connections are shared between SendAll calls
    // (each runs its own multi handle), so connections are reused.
    curl_share_setopt(share_, CURLSHOPT_SHARE, CURL_LOCK_DATA_DNS);
    curl_share_setopt(share_, CURLSHOPT_SHARE, CURL_LOCK_DATA_CONNECT);
    curl_share_setopt(share_, CURLSHOPT_LOCKFUNC, &CurlTransport::Lock);
    curl_share_setopt(share_, CURLSHOPT_UNLOCKFUNC, &CurlTransport::Unlock);
    curl_share_setopt(share_, CURLSHOPT_USERDATA, this);
  }
  ~CurlTransport() override {
    for (CURL* h : pool_) curl_easy_cleanup(h);
    curl_share_cleanup(share_);
  }

  void SendAll(const std::vector<HttpRequest>& reqs, std::vector<HttpResponse>* out) override {
    out->assign(reqs.size(), HttpResponse{});
    if (reqs.empty()) return;
    CURLM* multi = curl_multi_init();
    curl_multi_setopt(multi, CURLMOPT_MAX_HOST_CONNECTIONS, options_.max_host_connections);
    std::vector<CURL*> easies(reqs.size(), nullptr);
    std::vector<curl_slist*> lists(reqs.size(), nullptr);
    std::vector<GuardCheck> checks(reqs.size());
    for (std::size_t i = 0; i < reqs.size(); ++i) {
      CURL* h = Take();
      easies[i] = h;
      checks[i].guard = reqs[i].guard.get();
      Setup(h, reqs[i], &(*out)[i], &lists[i], &checks[i]);
      curl_easy_setopt(h, CURLOPT_PRIVATE, reinterpret_cast<char*>(i));
      curl_multi_add_handle(multi, h);
    }
    int running = 0;
    do {
      CURLMcode mc = curl_multi_perform(multi, &running);
      if (mc != CURLM_OK) break;
      int msgs;
      while (CURLMsg* m = curl_multi_info_read(multi, &msgs)) {
        if (m->msg != CURLMSG_DONE) continue;
        char* priv = nullptr;
        curl_easy_getinfo(m->easy_handle, CURLINFO_PRIVATE, &priv);
        const std::size_t i = reinterpret_cast<std::size_t>(priv);
        HttpResponse& r = (*out)[i];
        if (m->data.result == CURLE_OK) {
          long code = 0;
          curl_easy_getinfo(m->easy_handle, CURLINFO_RESPONSE_CODE, &code);
          r.status = static_cast<int>(code);
        } else {
          r.status = 0;
          r.error = checks[i].refused.empty() ? std::string(curl_easy_strerror(m->data.result))
                                              : checks[i].refused;
          r.headers.clear();
          r.body.clear();
        }
      }
      if (running > 0) curl_multi_poll(multi, nullptr, 0, 1000, nullptr);
    } while (running > 0);
    for (std::size_t i = 0; i < reqs.size(); ++i) {
      curl_multi_remove_handle(multi, easies[i]);
      curl_slist_free_all(lists[i]);
      Give(easies[i]);
    }
    curl_multi_cleanup(multi);
  }

 private:
  static void Lock(CURL*, curl_lock_data data, curl_lock_access, void* user) {
    static_cast<CurlTransport*>(user)->share_mu_[data % kLocks].lock();
  }
  static void Unlock(CURL*, curl_lock_data data, void* user) {
    static_cast<CurlTransport*>(user)->share_mu_[data % kLocks].unlock();
  }
  static constexpr int kLocks = 8;

  CURL* Take() {
    std::lock_guard<std::mutex> l(pool_mu_);
    if (pool_.empty()) return curl_easy_init();
    CURL* h = pool_.back();
    pool_.pop_back();
    return h;
  }
  void Give(CURL* h) {
    std::lock_guard<std::mutex> l(pool_mu_);
    if (pool_.size() < 64) pool_.push_back(h);
    else curl_easy_cleanup(h);
  }

  void Setup(CURL* h, const HttpRequest& req, HttpResponse* resp, curl_slist** list,
             GuardCheck* check) {
    curl_easy_reset(h);  // keeps the connection cache
    curl_easy_setopt(h, CURLOPT_URL, req.url.c_str());
    curl_easy_setopt(h, CURLOPT_SHARE, share_);
    curl_easy_setopt(h, CURLOPT_NOSIGNAL, 1L);
    curl_easy_setopt(h, CURLOPT_PROTOCOLS_STR, "http,https");
    curl_easy_setopt(h, CURLOPT_FOLLOWLOCATION, 0L);
    curl_easy_setopt(h, CURLOPT_PROXY, "");  // no proxy from the environment
    curl_easy_setopt(h, CURLOPT_OPENSOCKETFUNCTION, &OpenSocket);
    curl_easy_setopt(h, CURLOPT_OPENSOCKETDATA, check);
    curl_easy_setopt(h, CURLOPT_PREREQFUNCTION, &PreRequest);
    curl_easy_setopt(h, CURLOPT_PREREQDATA, check);
    curl_easy_setopt(h, CURLOPT_SSL_VERIFYPEER, 1L);
    curl_easy_setopt(h, CURLOPT_SSL_VERIFYHOST, 2L);
    if (!options_.ca_file.empty()) curl_easy_setopt(h, CURLOPT_CAINFO, options_.ca_file.c_str());
    curl_easy_setopt(h, CURLOPT_CONNECTTIMEOUT_MS,
                     static_cast<long>(options_.connect_timeout.count()));
    curl_easy_setopt(h, CURLOPT_TIMEOUT_MS, static_cast<long>(req.timeout.count()));
    curl_easy_setopt(h, CURLOPT_USERAGENT, options_.user_agent.c_str());
    curl_easy_setopt(h, CURLOPT_ACCEPT_ENCODING, "");
    if (req.method == "GET") {
      curl_easy_setopt(h, CURLOPT_HTTPGET, 1L);
    } else if (req.method == "HEAD") {
      curl_easy_setopt(h, CURLOPT_NOBODY, 1L);
    } else {
      curl_easy_setopt(h, CURLOPT_CUSTOMREQUEST, req.method.c_str());
      curl_easy_setopt(h, CURLOPT_POSTFIELDS, req.body.data());
      curl_easy_setopt(h, CURLOPT_POSTFIELDSIZE_LARGE, static_cast<curl_off_t>(req.body.size()));
    }
    curl_slist* l = curl_slist_append(nullptr, "Expect:");  // no 100-continue round trip
    for (const auto& [k, v] : req.headers) l = curl_slist_append(l, (k + ": " + v).c_str());
    *list = l;
    curl_easy_setopt(h, CURLOPT_HTTPHEADER, l);
    curl_easy_setopt(h, CURLOPT_WRITEFUNCTION, &OnBody);
    curl_easy_setopt(h, CURLOPT_WRITEDATA, resp);
    curl_easy_setopt(h, CURLOPT_HEADERFUNCTION, &OnHeader);
    curl_easy_setopt(h, CURLOPT_HEADERDATA, resp);
  }

  const TransportOptions options_;
  CURLSH* share_;
  std::mutex share_mu_[kLocks];
  std::mutex pool_mu_;
  std::vector<CURL*> pool_;
};

}  // namespace

std::unique_ptr<HttpTransport> NewCurlTransport(const TransportOptions& options) {
  return std::make_unique<CurlTransport>(options);
}

}  // namespace lrs::sync
