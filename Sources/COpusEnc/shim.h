#ifndef HERALD_COPUSENC_SHIM_H
#define HERALD_COPUSENC_SHIM_H
#include <opusenc.h>

/* ope_encoder_ctl is variadic, which Swift cannot call: one fixed-argument wrapper per setting
   Herald uses. Each returns libopusenc's (or libopus's) status code, OPE_OK (0) on success. */
static inline int herald_ope_set_bitrate(OggOpusEnc *encoder, opus_int32 bitsPerSecond) {
    return ope_encoder_ctl(encoder, OPUS_SET_BITRATE(bitsPerSecond));
}

static inline int herald_ope_set_vbr_constraint(OggOpusEnc *encoder, opus_int32 constrained) {
    return ope_encoder_ctl(encoder, OPUS_SET_VBR_CONSTRAINT(constrained));
}

static inline int herald_ope_set_signal_voice(OggOpusEnc *encoder) {
    return ope_encoder_ctl(encoder, OPUS_SET_SIGNAL(OPUS_SIGNAL_VOICE));
}
#endif
