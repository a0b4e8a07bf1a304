// Package local finds the models on this machine: checkpoints in the
// Hugging Face cache, GGUF files (llama.cpp's cache, LM Studio, folders
// given with --scan) and Ollama's models, and reads each into a fit.Model
// graded from its own files: a checkpoint from its config.json and exact
// shard bytes, a GGUF file from its header and tensor table (never its
// tensor data). It reads and never writes. Every place it looks is
// reported, with what it found there or why it was skipped, and a file it
// cannot use is one line saying why, never a stop.
package local
