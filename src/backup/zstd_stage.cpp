#include "backup/zstd_stage.hpp"

#include <zstd.h>

#include <stdexcept>
#include <string>

namespace citadel::backup {
namespace {

core::Unexpected ZstdFailure(const char* what, std::size_t code) {
  return core::Fail(core::ErrorCode::kInvalidArgument, std::string(what) + ": " + ZSTD_getErrorName(code));
}

}  // namespace

struct ZstdCompressSink::State {
  ByteSink* next = nullptr;
  ZSTD_CCtx* context = nullptr;
  std::string output = std::string(ZSTD_CStreamOutSize(), '\0');
  ~State() { ZSTD_freeCCtx(context); }

  // Runs zstd over `input` with `mode` until it has taken all the input (and,
  // for ZSTD_e_end, written the whole frame), passing every output on.
  core::Result<void> Pump(std::string_view input, ZSTD_EndDirective mode) {
    ZSTD_inBuffer in{input.data(), input.size(), 0};
    while (true) {
      ZSTD_outBuffer out{output.data(), output.size(), 0};
      std::size_t remaining = ZSTD_compressStream2(context, &out, &in, mode);
      if (ZSTD_isError(remaining)) return ZstdFailure("zstd compression failed", remaining);
      if (out.pos > 0) {
        if (auto written = next->Write(std::string_view(output.data(), out.pos)); !written) return written;
      }
      bool done = mode == ZSTD_e_end ? remaining == 0 : in.pos == in.size;
      if (done) return {};
    }
  }
};

ZstdCompressSink::ZstdCompressSink(ByteSink& next, int level) : state_(std::make_unique<State>()) {
  state_->next = &next;
  state_->context = ZSTD_createCCtx();
  if (state_->context == nullptr) throw std::bad_alloc();
  ZSTD_CCtx_setParameter(state_->context, ZSTD_c_compressionLevel, level);
  // The content checksum lets a restore tell corruption from a zstd bug; the
  // AEAD already rules out tampering, so this is cheap belt and braces.
  ZSTD_CCtx_setParameter(state_->context, ZSTD_c_checksumFlag, 1);
  // One worker thread of zstd's own: compression then overlaps with reading
  // the dump, hashing, encrypting and writing to the sites on the caller's
  // thread (the backup's stages would otherwise take turns). Ignored by a
  // libzstd built without threads.
  ZSTD_CCtx_setParameter(state_->context, ZSTD_c_nbWorkers, 1);
}
ZstdCompressSink::~ZstdCompressSink() = default;

core::Result<void> ZstdCompressSink::Write(std::string_view bytes) { return state_->Pump(bytes, ZSTD_e_continue); }

core::Result<void> ZstdCompressSink::Close() {
  if (auto ended = state_->Pump({}, ZSTD_e_end); !ended) return ended;
  return state_->next->Close();
}

struct ZstdDecompressSink::State {
  ByteSink* next = nullptr;
  ZSTD_DCtx* context = nullptr;
  std::string output = std::string(ZSTD_DStreamOutSize(), '\0');
  std::size_t last_hint = 0;  // 0 once a frame is complete
  bool any_input = false;
  ~State() { ZSTD_freeDCtx(context); }
};

ZstdDecompressSink::ZstdDecompressSink(ByteSink& next) : state_(std::make_unique<State>()) {
  state_->next = &next;
  state_->context = ZSTD_createDCtx();
  if (state_->context == nullptr) throw std::bad_alloc();
  // Refuse windows beyond 128 MiB: a hostile stream must not make us
  // allocate whatever it asks for.
  ZSTD_DCtx_setParameter(state_->context, ZSTD_d_windowLogMax, 27);
}
ZstdDecompressSink::~ZstdDecompressSink() = default;

core::Result<void> ZstdDecompressSink::Write(std::string_view bytes) {
  if (bytes.empty()) return {};
  state_->any_input = true;
  ZSTD_inBuffer in{bytes.data(), bytes.size(), 0};
  // Until all input is taken and a call leaves room in the output buffer:
  // only then has zstd passed on everything it could.
  while (true) {
    ZSTD_outBuffer out{state_->output.data(), state_->output.size(), 0};
    std::size_t hint = ZSTD_decompressStream(state_->context, &out, &in);
    if (ZSTD_isError(hint)) return ZstdFailure("zstd decompression failed", hint);
    state_->last_hint = hint;
    if (out.pos > 0) {
      if (auto written = state_->next->Write(std::string_view(state_->output.data(), out.pos)); !written) {
        return written;
      }
    }
    if (in.pos == in.size && out.pos < out.size) return {};
  }
}

core::Result<void> ZstdDecompressSink::Close() {
  if (!state_->any_input || state_->last_hint != 0) {
    return core::Fail(core::ErrorCode::kInvalidArgument, "zstd stream truncated: the last frame is incomplete");
  }
  return state_->next->Close();
}

}  // namespace citadel::backup
