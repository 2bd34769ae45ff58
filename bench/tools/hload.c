/* hload: a minimal HTTP/1.1 keep-alive load generator for HEAD (and GET) requests.
 *
 * wrk cannot measure HEAD: its parser waits for the body that the Content-Length of a HEAD
 * response announces. hload sends one request at a time on each of C connections spread over T
 * threads (epoll), cycles through the request paths given on stdin, and prints requests/s and
 * latency percentiles in the same terms as wrk, so that both servers of a comparison are measured
 * by the same client.
 *
 * usage: hload -m HEAD|GET -c CONNS -t THREADS -d SECONDS -p PORT < paths
 * output: "requests N seconds S rps R p50_us A p90_us B p99_us C errors E"
 */
#define _GNU_SOURCE
#include <arpa/inet.h>
#include <errno.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/epoll.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#define MAX_US 1000000 /* latencies above 1 s land in the last bucket */
#define BUF 65536

struct conn {
  int fd;
  size_t sent_path;
  double started;
  char buf[BUF + 1]; /* NUL-terminated for the header scan */
  size_t have;
};

struct worker {
  pthread_t thread;
  int conns;
  unsigned long requests, errors;
  unsigned* hist;
};

static const char* method = "HEAD";
static int port, seconds = 5;
static char** paths;
static size_t path_count;
static double deadline;

static double now(void) {
  struct timespec ts;
  clock_gettime(CLOCK_MONOTONIC, &ts);
  return ts.tv_sec + ts.tv_nsec / 1e9;
}

static int open_conn(void) {
  int fd = socket(AF_INET, SOCK_STREAM, 0);
  struct sockaddr_in addr = {.sin_family = AF_INET, .sin_port = htons(port)};
  addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  int one = 1;
  setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof one);
  if (connect(fd, (struct sockaddr*)&addr, sizeof addr) != 0) {
    perror("connect");
    exit(2);
  }
  return fd;
}

static void send_request(struct conn* c, size_t n) {
  char req[4096];
  const char* path = paths[n % path_count];
  int len = snprintf(req, sizeof req, "%s %s HTTP/1.1\r\nHost: bench\r\n\r\n", method, path);
  c->started = now();
  c->have = 0;
  if (write(c->fd, req, (size_t)len) != len) {
    perror("write");
    exit(2);
  }
}

/* Returns 1 once the whole response is in c->buf, 0 while more is needed, -1 on an error. */
static int response_done(struct conn* c, int* status) {
  char* end = memmem(c->buf, c->have, "\r\n\r\n", 4);
  if (!end)
    return c->have == BUF ? -1 : 0;
  size_t head = (size_t)(end - c->buf) + 4;
  *status = atoi(c->buf + 9);
  size_t length = 0;
  for (char* line = strstr(c->buf, "\r\n"); line && line < end; line = strstr(line + 2, "\r\n")) {
    if (strncasecmp(line + 2, "Content-Length:", 15) == 0)
      length = strtoul(line + 17, 0, 10);
  }
  if (strcmp(method, "HEAD") == 0 || *status == 304 || *status == 204)
    length = 0;
  if (head + length > BUF)
    return -1;
  return c->have >= head + length ? 1 : 0;
}

static void* run(void* arg) {
  struct worker* w = arg;
  int ep = epoll_create1(0);
  struct conn* conns = calloc((size_t)w->conns, sizeof *conns);
  size_t next = (size_t)rand();
  for (int i = 0; i < w->conns; i++) {
    conns[i].fd = open_conn();
    struct epoll_event ev = {.events = EPOLLIN, .data.ptr = &conns[i]};
    epoll_ctl(ep, EPOLL_CTL_ADD, conns[i].fd, &ev);
    send_request(&conns[i], next++);
  }
  struct epoll_event events[256];
  while (now() < deadline) {
    int n = epoll_wait(ep, events, 256, 100);
    for (int i = 0; i < n; i++) {
      struct conn* c = events[i].data.ptr;
      ssize_t got = read(c->fd, c->buf + c->have, BUF - c->have);
      if (got <= 0) {
        fprintf(stderr, "connection closed by the server\n");
        exit(2);
      }
      c->have += (size_t)got;
      c->buf[c->have] = 0;
      int status = 0;
      int done = response_done(c, &status);
      if (done == 0)
        continue;
      if (done < 0 || status < 200 || status > 399)
        w->errors++;
      long us = (long)((now() - c->started) * 1e6);
      w->hist[us < MAX_US ? us : MAX_US]++;
      w->requests++;
      send_request(c, next++);
    }
  }
  return NULL;
}

static long percentile(unsigned* hist, unsigned long total, double pct) {
  unsigned long want = (unsigned long)(total * pct / 100.0), seen = 0;
  for (long us = 0; us <= MAX_US; us++) {
    seen += hist[us];
    if (seen > want)
      return us;
  }
  return MAX_US;
}

int main(int argc, char** argv) {
  int conns = 64, threads = 2, opt;
  while ((opt = getopt(argc, argv, "m:c:t:d:p:")) != -1) {
    if (opt == 'm')
      method = optarg;
    else if (opt == 'c')
      conns = atoi(optarg);
    else if (opt == 't')
      threads = atoi(optarg);
    else if (opt == 'd')
      seconds = atoi(optarg);
    else if (opt == 'p')
      port = atoi(optarg);
    else
      return 2;
  }
  char line[4096];
  while (fgets(line, sizeof line, stdin)) {
    line[strcspn(line, "\r\n")] = 0;
    if (!*line)
      continue;
    paths = realloc(paths, (path_count + 1) * sizeof *paths);
    paths[path_count++] = strdup(line);
  }
  if (!port || !path_count || threads < 1 || conns < threads) {
    fprintf(stderr, "usage: hload -m HEAD|GET -c CONNS -t THREADS -d SECONDS -p PORT < paths\n");
    return 2;
  }
  struct worker* workers = calloc((size_t)threads, sizeof *workers);
  double started = now();
  deadline = started + seconds;
  for (int i = 0; i < threads; i++) {
    workers[i].conns = conns / threads + (i < conns % threads);
    workers[i].hist = calloc(MAX_US + 1, sizeof(unsigned));
    pthread_create(&workers[i].thread, NULL, run, &workers[i]);
  }
  unsigned* hist = calloc(MAX_US + 1, sizeof(unsigned));
  unsigned long requests = 0, errors = 0;
  for (int i = 0; i < threads; i++) {
    pthread_join(workers[i].thread, NULL);
    requests += workers[i].requests;
    errors += workers[i].errors;
    for (long us = 0; us <= MAX_US; us++)
      hist[us] += workers[i].hist[us];
  }
  double elapsed = now() - started;
  printf("requests %lu seconds %.3f rps %.1f p50_us %ld p90_us %ld p99_us %ld errors %lu\n",
         requests, elapsed, requests / elapsed, percentile(hist, requests, 50),
         percentile(hist, requests, 90), percentile(hist, requests, 99), errors);
  return 0;
}
