// An AudioWorklet processor that hands the page the microphone's samples as they come: the first
// channel of each 128-frame block, copied (the engine reuses its buffers). The page builds the WAV
// the server encodes to Ogg Opus (POST /api/v1/voice-notes); nothing is encoded here.
class PCMRecorder extends AudioWorkletProcessor {
  process(inputs) {
    const channel = inputs[0] && inputs[0][0];
    if (channel && channel.length) this.port.postMessage(channel.slice(0));
    return true;
  }
}

registerProcessor("pcm-recorder", PCMRecorder);
