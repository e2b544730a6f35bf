"""A plain-Python CLIP-style byte-level BPE tokenizer, written from the algorithm's description, used twice:
to train and write the tokenizer of the combined CLIP demo (clip_combined.py), and as the independent reference
the engine's tokenizer (@huggingface/tokenizers reading tokenizer.json) is compared with.

The steps, in the order CLIP's tokenizer.json applies them:
  1. normalise: Unicode NFC, then lower case (runs of whitespace only separate words, so they need no rewriting);
  2. pre-tokenise: split into the pieces of CLIP's pattern, tried left to right at each position:
     a contraction ('s 't 're 've 'm 'll 'd), a run of letters, a single digit, a run of anything that is neither
     whitespace, a letter nor a digit; whitespace is dropped;
  3. map each piece's UTF-8 bytes to printable characters (GPT-2's byte-to-unicode table), mark the piece's last
     symbol with "</w>", and merge adjacent symbol pairs, always the pair of lowest merge rank, until none is left;
  4. wrap in <|startoftext|> ... <|endoftext|>, truncate the content to fit the context, pad with <|endoftext|>.

Run with Debian's python3:  /usr/bin/python3 clip_bpe_reference.py  (writes the engine's parity fixture), or with
--vocab-merges to write tests/fixtures/clip-vocab-merges/ (a tokenizer/ folder of vocab.json + merges.txt as Stable
Diffusion ships it, and the reference ids for it)
"""
import json
import os
import unicodedata

BOS, EOS = '<|startoftext|>', '<|endoftext|>'
WORD_END = '</w>'
CONTEXT = 77
CONTRACTIONS = ("'s", "'t", "'re", "'ve", "'m", "'ll", "'d")


def byte_to_unicode():
    """Each byte 0..255 as one printable character: printable Latin-1 bytes stand for themselves, the other
    68 bytes (controls, space, soft hyphen ...) take the code points from 256 upwards, in byte order."""
    kept = set(range(ord('!'), ord('~') + 1)) | set(range(0xA1, 0xAC + 1)) | set(range(0xAE, 0xFF + 1))
    table, extra = {}, 0
    for b in range(256):
        if b in kept:
            table[b] = chr(b)
        else:
            table[b] = chr(256 + extra)
            extra += 1
    return table


BYTE_CHARS = byte_to_unicode()


def _is_letter(ch):
    return unicodedata.category(ch).startswith('L')


def _is_digit(ch):
    return unicodedata.category(ch).startswith('N')


def _is_other(ch):
    return not ch.isspace() and not _is_letter(ch) and not _is_digit(ch)


def normalize(text):
    return unicodedata.normalize('NFC', text).lower()


def pre_tokenize(text):
    """The pieces of CLIP's split pattern, scanning left to right; at each position the first alternative that
    matches wins (contractions before letters before one digit before other symbols), as a regex engine does."""
    pieces, i = [], 0
    while i < len(text):
        ch = text[i]
        contraction = next((c for c in CONTRACTIONS if text.startswith(c, i)), None)
        if contraction:
            pieces.append(contraction)
            i += len(contraction)
        elif _is_letter(ch):
            j = i
            while j < len(text) and _is_letter(text[j]):
                j += 1
            pieces.append(text[i:j])
            i = j
        elif _is_digit(ch):
            pieces.append(ch)
            i += 1
        elif _is_other(ch):
            j = i
            while j < len(text) and _is_other(text[j]):
                j += 1
            pieces.append(text[i:j])
            i = j
        else:
            i += 1  # whitespace separates pieces and is dropped
    return pieces


def symbols_of(piece):
    """The piece's bytes as byte characters, the last one carrying the end-of-word mark."""
    chars = [BYTE_CHARS[b] for b in piece.encode('utf-8')]
    chars[-1] += WORD_END
    return chars


def apply_merges(symbols, ranks):
    """Merges the adjacent pair of lowest rank, every non-overlapping occurrence from the left, until no adjacent
    pair has a rank."""
    symbols = list(symbols)
    while len(symbols) > 1:
        ranked = [(ranks[pair], pair) for pair in zip(symbols, symbols[1:]) if pair in ranks]
        if not ranked:
            break
        first, second = min(ranked)[1]
        merged, k = [], 0
        while k < len(symbols):
            if k + 1 < len(symbols) and symbols[k] == first and symbols[k + 1] == second:
                merged.append(first + second)
                k += 2
            else:
                merged.append(symbols[k])
                k += 1
        symbols = merged
    return symbols


class ClipBpe:
    def __init__(self, vocab, merges):
        self.vocab = vocab
        self.ranks = {tuple(m.split(' ')): rank for rank, m in enumerate(merges)}

    @classmethod
    def from_tokenizer_json(cls, path):
        with open(path, encoding='utf-8') as f:
            model = json.load(f)['model']
        return cls(model['vocab'], model['merges'])

    def content_ids(self, text):
        ids = []
        for piece in pre_tokenize(normalize(text)):
            ids.extend(self.vocab[s] for s in apply_merges(symbols_of(piece), self.ranks))
        return ids

    def encode(self, text, context=CONTEXT):
        """(ids, attention mask), each `context` long."""
        ids = [self.vocab[BOS]] + self.content_ids(text)[:context - 2] + [self.vocab[EOS]]
        pad = context - len(ids)
        return ids + [self.vocab[EOS]] * pad, [1] * len(ids) + [0] * pad


def train_bpe(texts, merge_count):
    """Vocabulary and merges learnt from `texts`: the 512 byte symbols (with and without the word-end mark), then
    the most frequent adjacent pair, merged, `merge_count` times (ties broken by the pair's text), then BOS and EOS."""
    words = {}
    for text in texts:
        for piece in pre_tokenize(normalize(text)):
            key = tuple(symbols_of(piece))
            words[key] = words.get(key, 0) + 1
    byte_chars = [BYTE_CHARS[b] for b in range(256)]
    vocab_tokens = byte_chars + [c + WORD_END for c in byte_chars]
    merges = []
    for _ in range(merge_count):
        counts = {}
        for word, n in words.items():
            for pair in zip(word, word[1:]):
                counts[pair] = counts.get(pair, 0) + n
        if not counts:
            break
        best = min(counts, key=lambda p: (-counts[p], p))
        merges.append('%s %s' % best)
        vocab_tokens.append(best[0] + best[1])
        ranks = {best: 0}
        words = {tuple(apply_merges(w, ranks)): n for w, n in words.items()}
    vocab_tokens += [BOS, EOS]
    return {t: i for i, t in enumerate(vocab_tokens)}, merges


# The captions the engine's tokenizer must match: demo-style captions, punctuation, digits, apostrophes,
# whitespace, accents, other scripts, emoji, an empty one and some longer than the 77-token context.
PARITY_CAPTIONS = [
    'a photo of a dark small tshirt, square',
    'trendy shirt, grey and large',
    'A Photo Of A DARK Sneaker!!!',
    "it's the dog's bag; they're sure we've seen it, I'm told you'll like it'd",
    "DON'T shout: IT'S fine",
    'size 42, price $19.99 (20% off) #1',
    '2024-06-01 12:30',
    'well...   spaced\tout\nlines',
    '   leading and trailing   ',
    '',
    ' ',
    '!!!???',
    'e-mail: someone@example.org',
    'café crème, naïve façade',
    'Ünïcödé ÀÉÎÕÜ',
    '日本語のテキスト',
    'Привет мир',
    'emoji 👗👠 and ✨sparkles✨',
    'x²+y³ ½ ⅓',
    'quotes "double" and `back`',
    'tabs\tand\u00a0no-break\u00a0spaces',
    'ankle boot' * 3,
    'a ' * 100,
    ' '.join(['sandal'] * 80),
    ' '.join('word%d' % k for k in range(60)),
    'supercalifragilisticexpialidocious',
    'the the the the',
    "rock'n'roll",
    'C3PO R2D2',
    'ﬁne ligature and Å (decomposed)',
    'MiXeD CaSe WoRdS',
]


def write_parity_fixture(tokenizer_json, fixture):
    bpe = ClipBpe.from_tokenizer_json(tokenizer_json)
    cases = []
    for text in PARITY_CAPTIONS:
        ids, mask = bpe.encode(text)
        cases.append({'text': text, 'input_ids': ids, 'attention_mask': mask})
    with open(fixture, 'w', encoding='utf-8') as f:
        json.dump({'tokenizer': 'resources/demo/clip-combined/tokenizer.json', 'context': CONTEXT,
                   'reference': 'tools/demo-kit/clip_bpe_reference.py', 'cases': cases}, f, indent=1, ensure_ascii=False)
        f.write('\n')
    return cases


# Merges learnt for the vocab.json + merges.txt fixture: more than the combined demo's, so that its ids differ.
VOCAB_MERGES_COUNT = 300


def _write_json(path, value):
    with open(path, 'w', encoding='utf-8') as f:
        json.dump(value, f, indent=1, ensure_ascii=False)
        f.write('\n')


def write_vocab_merges_fixture(manifest_csv, folder):
    """A tokenizer/ folder as Stable Diffusion repositories ship it (vocab.json, merges.txt with its '#version'
    header, tokenizer_config.json, special_tokens_map.json), learnt from the demo captions and the parity captions,
    and reference.json with this file's ids and masks for every parity caption."""
    import csv
    with open(manifest_csv, encoding='utf-8', newline='') as f:
        captions = [row['caption'] for row in csv.DictReader(f)]
    vocab, merges = train_bpe(captions + PARITY_CAPTIONS, VOCAB_MERGES_COUNT)
    tokenizer_dir = os.path.join(folder, 'tokenizer')
    os.makedirs(tokenizer_dir, exist_ok=True)
    _write_json(os.path.join(tokenizer_dir, 'vocab.json'), vocab)
    with open(os.path.join(tokenizer_dir, 'merges.txt'), 'w', encoding='utf-8') as f:
        f.write('#version: 0.2\n' + ''.join(m + '\n' for m in merges))
    _write_json(os.path.join(tokenizer_dir, 'tokenizer_config.json'),
                {'tokenizer_class': 'CLIPTokenizer', 'model_max_length': CONTEXT, 'do_lower_case': True,
                 'bos_token': BOS, 'eos_token': EOS, 'unk_token': EOS, 'pad_token': EOS})
    _write_json(os.path.join(tokenizer_dir, 'special_tokens_map.json'),
                {'bos_token': BOS, 'eos_token': EOS, 'unk_token': EOS, 'pad_token': EOS})
    bpe = ClipBpe(vocab, merges)
    cases = []
    for text in PARITY_CAPTIONS:
        ids, mask = bpe.encode(text)
        cases.append({'text': text, 'input_ids': ids, 'attention_mask': mask})
    _write_json(os.path.join(folder, 'reference.json'),
                {'context': CONTEXT, 'reference': 'tools/demo-kit/clip_bpe_reference.py --vocab-merges',
                 'cases': cases})
    return cases


if __name__ == '__main__':
    import sys
    root = os.path.abspath(os.path.join(os.path.dirname(os.path.abspath(__file__)), '..', '..'))
    if sys.argv[1:] == ['--vocab-merges']:
        written = write_vocab_merges_fixture(os.path.join(root, 'resources', 'demo', 'clip', 'manifest.csv'),
                                             os.path.join(root, 'tests', 'fixtures', 'clip-vocab-merges'))
    else:
        written = write_parity_fixture(os.path.join(root, 'resources', 'demo', 'clip-combined', 'tokenizer.json'),
                                       os.path.join(root, 'tests', 'fixtures', 'clip-bpe-parity.json'))
    print('wrote %d cases' % len(written))
