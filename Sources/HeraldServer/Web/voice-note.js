// A WhatsApp voice note in the composer: Record (the microphone through Web Audio, its samples
// taken by the AudioWorklet in pcm-recorder.js), Stop, then Listen (an <audio> of the recording),
// Trash and record again, or Send. The page sends 16-bit PCM WAV; the server encodes it to Ogg
// Opus (POST /api/v1/voice-notes) and the message names the note by its upload ID. The server's
// limit is also the page's: recording stops by itself at 2:30.

const maximumSeconds = 150;

const clock = (seconds) => `${Math.floor(seconds / 60)}:${String(Math.floor(seconds % 60)).padStart(2, "0")}`;

// 16-bit PCM WAV of mono float samples in [-1, 1].
function wav(chunks, rate) {
  const count = chunks.reduce((total, chunk) => total + chunk.length, 0);
  const view = new DataView(new ArrayBuffer(44 + count * 2));
  const text = (at, value) => [...value].forEach((c, i) => view.setUint8(at + i, c.charCodeAt(0)));
  text(0, "RIFF"); view.setUint32(4, 36 + count * 2, true); text(8, "WAVE");
  text(12, "fmt "); view.setUint32(16, 16, true); view.setUint16(20, 1, true); view.setUint16(22, 1, true);
  view.setUint32(24, rate, true); view.setUint32(28, rate * 2, true); view.setUint16(32, 2, true); view.setUint16(34, 16, true);
  text(36, "data"); view.setUint32(40, count * 2, true);
  let at = 44;
  for (const chunk of chunks) {
    for (const sample of chunk) {
      const clipped = Math.max(-1, Math.min(1, sample));
      view.setInt16(at, clipped < 0 ? clipped * 0x8000 : clipped * 0x7fff, true);
      at += 2;
    }
  }
  return new Blob([view.buffer], { type: "audio/wav" });
}

// el: app.js's element builder; api: its fetch wrapper; send(message): sends in the interaction,
// true once sent; announce(text, kind): the page's status line.
export function buildVoiceNote({ el, api, send, announce }) {
  let recording = null; // { stream, context, chunks, started, timer }
  let recorded = null; // { blob, url, seconds }
  const state = el("span", { id: "voice-state", class: "hint", role: "status", "aria-live": "polite" });
  const audio = el("audio", { id: "voice-audio", controls: true, hidden: true, "aria-label": "Listen to the voice note" });
  const record = el("button", { type: "button", id: "voice-record", class: "tool", "aria-label": "Record a voice note", title: "Record a voice note" }, "🎤 Record");
  const stop = el("button", { type: "button", id: "voice-stop", class: "tool", hidden: true, "aria-label": "Stop recording" }, "■ Stop");
  const trash = el("button", { type: "button", id: "voice-trash", class: "tool", hidden: true, "aria-label": "Trash the voice note" }, "🗑 Trash");
  const sendButton = el("button", { type: "button", id: "voice-send", class: "primary", hidden: true, text: "Send voice note" });
  const show = (mode) => {
    record.hidden = mode !== "idle";
    stop.hidden = mode !== "recording";
    audio.hidden = trash.hidden = sendButton.hidden = mode !== "recorded";
    sendButton.disabled = trash.disabled = mode === "sending";
    if (mode === "sending") audio.hidden = trash.hidden = sendButton.hidden = false;
  };

  const clear = () => {
    if (recorded) URL.revokeObjectURL(recorded.url);
    recorded = null;
    audio.removeAttribute("src");
    audio.load();
    state.textContent = "";
    show("idle");
  };

  const finish = async () => {
    if (!recording) return;
    const { stream, context, chunks, timer } = recording;
    recording = null;
    clearInterval(timer);
    stream.getTracks().forEach((track) => track.stop());
    const rate = context.sampleRate;
    await context.close();
    const samples = chunks.reduce((total, chunk) => total + chunk.length, 0);
    if (samples === 0) {
      announce("Nothing was recorded: is the microphone muted?", "error");
      clear();
      return;
    }
    const blob = wav(chunks, rate);
    recorded = { blob, url: URL.createObjectURL(blob), seconds: samples / rate };
    audio.src = recorded.url;
    state.textContent = `Voice note ${clock(recorded.seconds)}`;
    show("recorded");
    audio.focus();
  };

  record.addEventListener("click", async () => {
    clear();
    let stream = null;
    let context = null;
    try {
      stream = await navigator.mediaDevices.getUserMedia({ audio: { channelCount: 1 } });
      context = new AudioContext();
      // The server takes 8 to 48 kHz: a faster interface (96 kHz) is recorded at 48 kHz, resampled
      // by the browser.
      if (context.sampleRate > 48000) {
        await context.close();
        context = new AudioContext({ sampleRate: 48000 });
      }
      await context.audioWorklet.addModule("/assets/pcm-recorder.js");
      const source = context.createMediaStreamSource(stream);
      const node = new AudioWorkletNode(context, "pcm-recorder", { numberOfOutputs: 1, outputChannelCount: [1] });
      const chunks = [];
      node.port.onmessage = (event) => chunks.push(event.data);
      // Connected to the output so the engine runs it; it writes silence, nothing is heard.
      source.connect(node).connect(context.destination);
      const started = Date.now();
      const tick = () => {
        // The composer was replaced (another interaction opened): the microphone is released.
        if (!record.isConnected) { release(); return; }
        const seconds = (Date.now() - started) / 1000;
        state.textContent = `Recording ${clock(seconds)}`;
        if (seconds >= maximumSeconds) finish().catch((error) => announce(error.message, "error"));
      };
      recording = { stream, context, chunks, started, timer: setInterval(tick, 250) };
      tick();
      show("recording");
      stop.focus();
    } catch (error) {
      if (stream) stream.getTracks().forEach((track) => track.stop());
      if (context) context.close();
      announce(`The microphone could not be used: ${error.message}`, "error");
      clear();
    }
  });
  stop.addEventListener("click", () => { finish().then(() => {}, (error) => announce(error.message, "error")); });
  trash.addEventListener("click", () => { clear(); record.focus(); });
  sendButton.addEventListener("click", async () => {
    if (!recorded) return;
    show("sending");
    try {
      const note = await api("POST", "/voice-notes", recorded.blob, { raw: true, contentType: "audio/wav" });
      // A voice note goes alone: the message is the note and nothing else. Sent: back to Record.
      // Refused: the page said why, and the note stays to send again.
      if (await send({ voiceNote: note.id })) clear();
      else show("recorded");
    } catch (error) {
      announce(error.message, "error");
      show("recorded");
    }
  });

  // The composer gone mid-recording: the microphone is released, nothing is kept.
  const release = () => {
    if (recording) {
      clearInterval(recording.timer);
      recording.stream.getTracks().forEach((track) => track.stop());
      recording.context.close();
      recording = null;
    }
    clear();
  };

  show("idle");
  return {
    element: el("div", { class: "voice-note", role: "group", "aria-label": "Voice note" }, record, stop, state, audio, trash, sendButton),
  };
}
