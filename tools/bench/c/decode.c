/*
 * Baseline for `npm run bench:cpu`: the same single-sequence forward pass in plain, single-threaded
 * C (float32, the textbook loops, no SIMD intrinsics), so the JavaScript engine's speed can be
 * quoted as a ratio measured on the same machine in the same run.
 * Usage: decode MODEL.bin [REPEATS]  -> prints "tokens_per_second <wall> tokens_per_cpu_second <cpu>"
 * for decode of positions 32..159, run REPEATS times (default 1) and timed from the end of the
 * prefix (positions 0..31, one token at a time, as llama2.c's run does), like run.c's timer.
 */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

typedef struct { int dim, hidden, layers, heads, kv_heads, vocab, seq_len; } Config;

static void rmsnorm(float *o, const float *x, const float *w, int n) {
  float ss = 0;
  for (int j = 0; j < n; j++) ss += x[j] * x[j];
  ss = 1.0f / sqrtf(ss / n + 1e-5f);
  for (int j = 0; j < n; j++) o[j] = w[j] * (ss * x[j]);
}

static void matvec(float *o, const float *x, const float *w, int n, int d) {
  for (int i = 0; i < d; i++) {
    float v = 0;
    for (int j = 0; j < n; j++) v += w[i * n + j] * x[j];
    o[i] = v;
  }
}

int main(int argc, char **argv) {
  if (argc < 2) { fprintf(stderr, "usage: decode MODEL.bin [REPEATS]\n"); return 1; }
  int repeats = argc > 2 ? atoi(argv[2]) : 1;
  if (repeats < 1) repeats = 1;
  FILE *f = fopen(argv[1], "rb");
  if (!f) { perror(argv[1]); return 1; }
  Config c;
  if (fread(&c, sizeof c, 1, f) != 1) return 1;
  int shared = c.vocab > 0;
  c.vocab = abs(c.vocab);
  fseek(f, 0, SEEK_END);
  long bytes = ftell(f) - (long)sizeof c;
  fseek(f, sizeof c, SEEK_SET);
  float *data = malloc(bytes);
  if (fread(data, 1, bytes, f) != (size_t)bytes) return 1;
  fclose(f);

  int dim = c.dim, hs = dim / c.heads, kv_dim = hs * c.kv_heads, L = c.layers, H = c.hidden;
  float *emb = data, *rms_att = emb + c.vocab * dim, *wq = rms_att + L * dim, *wk = wq + L * dim * dim;
  float *wv = wk + L * kv_dim * dim, *wo = wv + L * kv_dim * dim, *rms_ffn = wo + L * dim * dim;
  float *w1 = rms_ffn + L * dim, *w2 = w1 + L * H * dim, *w3 = w2 + L * dim * H, *rms_final = w3 + L * H * dim;
  float *wcls = shared ? emb : rms_final + dim + c.seq_len * hs;

  float *x = calloc(dim, 4), *xb = calloc(dim, 4), *xb2 = calloc(dim, 4), *q = calloc(dim, 4);
  float *hb = calloc(H, 4), *hb2 = calloc(H, 4), *att = calloc(c.seq_len, 4), *logits = calloc(c.vocab, 4);
  float *kc = calloc((size_t)L * c.seq_len * kv_dim, 4), *vc = calloc((size_t)L * c.seq_len * kv_dim, 4);

  struct timespec t0, t1, c0, c1;
  double wall = 0, cpu = 0;
  int checksum = 0;
  for (int r = 0; r < repeats; r++)
  for (int pos = 0; pos < 160; pos++) {
    if (pos == 32) {
      clock_gettime(CLOCK_MONOTONIC, &t0);
      clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &c0);
    }
    int token = 3 + (pos * 13) % 500;
    memcpy(x, emb + token * dim, dim * 4);
    for (int l = 0; l < L; l++) {
      float *k = kc + ((size_t)l * c.seq_len + pos) * kv_dim, *v = vc + ((size_t)l * c.seq_len + pos) * kv_dim;
      rmsnorm(xb, x, rms_att + l * dim, dim);
      matvec(q, xb, wq + l * dim * dim, dim, dim);
      matvec(k, xb, wk + l * kv_dim * dim, dim, kv_dim);
      matvec(v, xb, wv + l * kv_dim * dim, dim, kv_dim);
      for (int i = 0; i < dim; i += 2) {
        float freq = 1.0f / powf(10000.0f, (float)(i % hs) / hs), a = pos * freq, cr = cosf(a), ci = sinf(a);
        for (int r = 0; r < (i < kv_dim ? 2 : 1); r++) {
          float *vec = r == 0 ? q : k, v0 = vec[i], v1 = vec[i + 1];
          vec[i] = v0 * cr - v1 * ci;
          vec[i + 1] = v0 * ci + v1 * cr;
        }
      }
      for (int h = 0; h < c.heads; h++) {
        int g = h / (c.heads / c.kv_heads);
        float max = -1e30f, sum = 0;
        for (int t = 0; t <= pos; t++) {
          float s = 0, *kt = kc + ((size_t)l * c.seq_len + t) * kv_dim + g * hs;
          for (int i = 0; i < hs; i++) s += q[h * hs + i] * kt[i];
          att[t] = s / sqrtf(hs);
          if (att[t] > max) max = att[t];
        }
        for (int t = 0; t <= pos; t++) sum += att[t] = expf(att[t] - max);
        float *o = xb + h * hs;
        memset(o, 0, hs * 4);
        for (int t = 0; t <= pos; t++) {
          float *vt = vc + ((size_t)l * c.seq_len + t) * kv_dim + g * hs;
          for (int i = 0; i < hs; i++) o[i] += att[t] / sum * vt[i];
        }
      }
      matvec(xb2, xb, wo + l * dim * dim, dim, dim);
      for (int i = 0; i < dim; i++) x[i] += xb2[i];
      rmsnorm(xb, x, rms_ffn + l * dim, dim);
      matvec(hb, xb, w1 + l * H * dim, dim, H);
      matvec(hb2, xb, w3 + l * H * dim, dim, H);
      for (int i = 0; i < H; i++) hb[i] = hb[i] / (1.0f + expf(-hb[i])) * hb2[i];
      matvec(xb, hb, w2 + l * dim * H, H, dim);
      for (int i = 0; i < dim; i++) x[i] += xb[i];
    }
    rmsnorm(x, x, rms_final, dim);
    matvec(logits, x, wcls, dim, c.vocab);
    int best = 0;
    for (int i = 1; i < c.vocab; i++) if (logits[i] > logits[best]) best = i;
    checksum += best;
    if (pos == 159) {
      clock_gettime(CLOCK_MONOTONIC, &t1);
      clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &c1);
      wall += (t1.tv_sec - t0.tv_sec) + (t1.tv_nsec - t0.tv_nsec) / 1e9;
      cpu += (c1.tv_sec - c0.tv_sec) + (c1.tv_nsec - c0.tv_nsec) / 1e9;
    }
  }
  printf("tokens_per_second %.1f tokens_per_cpu_second %.1f checksum %d\n", 128.0 * repeats / wall, 128.0 * repeats / cpu, checksum);
  return 0;
}
