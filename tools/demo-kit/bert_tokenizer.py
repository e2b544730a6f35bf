"""A minimal BERT-style word tokenizer matching the tokenizer.json the demo kit writes.

normalizer BertNormalizer(lowercase) -> BertPreTokenizer (split on whitespace and on each
punctuation character) -> WordPiece over a whole-word vocabulary -> [CLS] ... [SEP] ->
truncate keeping [SEP] last -> pad with [PAD]=0 to max_length (attention_mask 0 on padding).
"""
import unicodedata

SPECIALS = ['[PAD]', '[UNK]', '[CLS]', '[SEP]']
PAD, UNK, CLS, SEP = 0, 1, 2, 3


def _is_punctuation(ch):
    cp = ord(ch)
    if 33 <= cp <= 47 or 58 <= cp <= 64 or 91 <= cp <= 96 or 123 <= cp <= 126:
        return True
    return unicodedata.category(ch).startswith('P')


def _is_control(ch):
    if ch in '\t\n\r':
        return False
    return unicodedata.category(ch) in ('Cc', 'Cf')


def normalize(text):
    out = []
    for ch in text:
        cp = ord(ch)
        if cp == 0 or cp == 0xFFFD or _is_control(ch):
            continue
        out.append(' ' if ch.isspace() else ch)
    text = ''.join(out).lower()
    text = unicodedata.normalize('NFD', text)
    return ''.join(ch for ch in text if unicodedata.category(ch) != 'Mn')


def pre_tokenize(text):
    words, cur = [], []
    for ch in text:
        if ch.isspace():
            if cur:
                words.append(''.join(cur))
                cur = []
        elif _is_punctuation(ch):
            if cur:
                words.append(''.join(cur))
                cur = []
            words.append(ch)
        else:
            cur.append(ch)
    if cur:
        words.append(''.join(cur))
    return words


def words_of(text):
    return pre_tokenize(normalize(text))


class WordTokenizer:
    def __init__(self, vocab_words, max_length):
        self.vocab = {w: i for i, w in enumerate(SPECIALS)}
        for w in vocab_words:
            if w not in self.vocab:
                self.vocab[w] = len(self.vocab)
        self.max_length = max_length

    def word_ids(self, text):
        # every vocabulary entry is a whole word, so WordPiece reduces to a lookup
        return [self.vocab.get(w, UNK) for w in words_of(text)]

    def encode(self, text):
        ids = self.word_ids(text)[: self.max_length - 2]
        ids = [CLS] + ids + [SEP]
        mask = [1] * len(ids)
        pad = self.max_length - len(ids)
        return ids + [PAD] * pad, mask + [0] * pad

    def to_hf_json(self):
        added = [{'id': i, 'content': t, 'single_word': False, 'lstrip': False, 'rstrip': False,
                  'normalized': False, 'special': True} for i, t in enumerate(SPECIALS)]
        return {
            'version': '1.0',
            'truncation': None,
            'padding': None,
            'added_tokens': added,
            'normalizer': {'type': 'BertNormalizer', 'clean_text': True, 'handle_chinese_chars': True,
                           'strip_accents': None, 'lowercase': True},
            'pre_tokenizer': {'type': 'BertPreTokenizer'},
            'post_processor': {'type': 'BertProcessing', 'sep': ['[SEP]', SEP], 'cls': ['[CLS]', CLS]},
            'decoder': {'type': 'WordPiece', 'prefix': '##', 'cleanup': True},
            'model': {'type': 'WordPiece', 'unk_token': '[UNK]', 'continuing_subword_prefix': '##',
                      'max_input_chars_per_word': 100, 'vocab': dict(self.vocab)},
        }

    def hf_config(self):
        return {'tokenizer_class': 'BertTokenizer', 'do_lower_case': True,
                'model_max_length': self.max_length, 'pad_token': '[PAD]', 'unk_token': '[UNK]',
                'cls_token': '[CLS]', 'sep_token': '[SEP]', 'padding_side': 'right',
                'truncation_side': 'right'}
