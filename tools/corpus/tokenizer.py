"""BPE tokenizer in llama2.c's tokenizer.bin format, with the exact llama2.c encode/decode algorithm.

Vocabulary layout (ids):
  0 <unk>, 1 BOS '\\n<s>\\n', 2 EOS '\\n</s>\\n', 3..258 byte tokens '<0x00>'..'<0xFF>',
  then the 95 printable ASCII characters, then ' 0'..' 199' (every number with its leading space, reached by
  left-to-right merges ' 1' -> ' 14' -> ' 145'), then the BPE merges learned on the corpus's words.
Pieces never contain a space except as their first character and never mix letters, digits and punctuation,
so merges cannot cross word boundaries and a number's merge path cannot be disturbed by any other piece.

File format: int32 max_token_length, then per id: float32 score, int32 byte length, the bytes.
"""
import re
import struct
from collections import Counter

UNK, BOS, EOS = 0, 1, 2
BYTE_OFFSET = 3
PRINTABLE = [chr(c) for c in range(0x20, 0x7F)]
WORD_RE = re.compile(r' ?[A-Za-z]+| ?[0-9]+|[^A-Za-z0-9]')


class Tokenizer:
    def __init__(self, pieces, scores):
        assert len(pieces) == len(scores)
        assert len(set(pieces)) == len(pieces), 'duplicate pieces'
        self.pieces = pieces
        self.scores = scores
        self.index = {p: i for i, p in enumerate(pieces)}

    @property
    def vocab_size(self):
        return len(self.pieces)

    # ---- llama2.c encode: BOS, dummy prefix ' ', per code point lookup with byte fallback, best-score merges
    def encode(self, text, bos=True, eos=False, dummy_prefix=True):
        tokens = [BOS] if bos else []
        if text and dummy_prefix:
            tokens.append(self.index[' '])
        for ch in text:
            tid = self.index.get(ch)
            if tid is not None:
                tokens.append(tid)
            else:
                tokens.extend(b + BYTE_OFFSET for b in ch.encode('utf-8'))
        # pair[i] = id of pieces[tokens[i]] + pieces[tokens[i+1]] if that is in the vocabulary, else None;
        # only the two pairs next to a merge change, so they are the only ones recomputed.
        pair = [self.index.get(self.pieces[a] + self.pieces[b]) for a, b in zip(tokens, tokens[1:])]
        while True:
            best_score, best_idx = -1e10, -1
            for i, tid in enumerate(pair):
                if tid is not None and self.scores[tid] > best_score:
                    best_score, best_idx = self.scores[tid], i
            if best_idx == -1:
                break
            tokens[best_idx:best_idx + 2] = [pair[best_idx]]
            del pair[best_idx]
            if best_idx > 0:
                pair[best_idx - 1] = self.index.get(self.pieces[tokens[best_idx - 1]] + self.pieces[tokens[best_idx]])
            if best_idx < len(pair):
                pair[best_idx] = self.index.get(self.pieces[tokens[best_idx]] + self.pieces[tokens[best_idx + 1]])
        if eos:
            tokens.append(EOS)
        return tokens

    def encode_answer(self, text):
        """Tokens of an answer that follows a prompt: no BOS, no dummy prefix (answers start with a space)."""
        return self.encode(text, bos=False, dummy_prefix=False)

    def piece_bytes(self, tid, prev=None):
        p = self.pieces[tid]
        if prev == BOS and p.startswith(' '):
            p = p[1:]
        m = re.fullmatch(r'<0x([0-9A-F]{2})>', p)
        if m and BYTE_OFFSET <= tid < BYTE_OFFSET + 256:
            return bytes([int(m.group(1), 16)])
        return p.encode('utf-8')

    def decode(self, tokens, prev=None):
        out = b''
        for t in tokens:
            out += self.piece_bytes(t, prev)
            prev = t
        return out.decode('utf-8', errors='replace')

    # ---- llama2.c tokenizer.bin
    def save(self, path):
        data = [p.encode('utf-8') for p in self.pieces]
        with open(path, 'wb') as f:
            f.write(struct.pack('<i', max(len(b) for b in data)))
            for b, s in zip(data, self.scores):
                f.write(struct.pack('<fi', s, len(b)))
                f.write(b)

    @staticmethod
    def load(path, vocab_size):
        pieces, scores = [], []
        with open(path, 'rb') as f:
            f.read(4)
            for _ in range(vocab_size):
                s, n = struct.unpack('<fi', f.read(8))
                pieces.append(f.read(n).decode('utf-8'))
                scores.append(s)
        return Tokenizer(pieces, scores)


def train_bpe(texts, vocab_size, max_number=199):
    """Deterministic BPE over the corpus's words (leading space kept, digits excluded: numbers are fixed pieces)."""
    pieces = ['<unk>', '\n<s>\n', '\n</s>\n'] + ['<0x%02X>' % b for b in range(256)] + PRINTABLE
    scores = [0.0, 0.0, 0.0] + [0.0] * 256 + [-1e6] * len(PRINTABLE)
    merged = []  # pieces made by merges, in priority order (first = highest score)
    # numbers: ' d', then ' dd', then ' ddd' (each one merge from the previous)
    for k in sorted(range(max_number + 1), key=lambda k: (len(str(k)), k)):
        merged.append(' %d' % k)

    counts = Counter()
    for text, weight in texts:
        for w in WORD_RE.findall(text):
            if len(w) > 1 and not any(c.isdigit() for c in w):
                counts[w] += weight
    words = {tuple(w): c for w, c in counts.items()}
    budget = vocab_size - len(pieces) - len(merged)
    known = set(pieces) | set(merged)
    while budget > 0:
        pair_counts = Counter()
        for sym, c in words.items():
            for a, b in zip(sym, sym[1:]):
                pair_counts[(a, b)] += c
        if not pair_counts:
            break
        # most frequent, ties broken by the pair's text so the result never depends on dict order
        (a, b), c = max(pair_counts.items(), key=lambda kv: (kv[1], -len(kv[0][0] + kv[0][1]), kv[0]))
        if c < 2:
            break
        new = a + b
        new_words = {}
        for sym, cnt in words.items():
            out, i = [], 0
            while i < len(sym):
                if i + 1 < len(sym) and sym[i] == a and sym[i + 1] == b:
                    out.append(new)
                    i += 2
                else:
                    out.append(sym[i])
                    i += 1
            new_words[tuple(out)] = new_words.get(tuple(out), 0) + cnt
        words = new_words
        if new not in known:
            merged.append(new)
            known.add(new)
            budget -= 1
    pieces += merged
    scores += [-float(i) for i in range(len(merged))]
    return Tokenizer(pieces, scores)
