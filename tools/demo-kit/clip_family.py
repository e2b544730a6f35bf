"""CLIP family: a tiny contrastive image/caption dual encoder on Fashion-MNIST with
generated captions. Writes resources/demo/clip/.

Run with Debian's python3:  /usr/bin/python3 clip_family.py [--epochs N] [--explore]
"""
import argparse
import os
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from common import log  # noqa: E402  (sets OMP_WAIT_POLICY and torch threads first)
import common  # noqa: E402
from bert_tokenizer import WordTokenizer, words_of  # noqa: E402

import numpy as np  # noqa: E402
import torch  # noqa: E402
import torch.nn as nn  # noqa: E402
import torch.nn.functional as F  # noqa: E402

OUT = os.path.join(common.DEMO_DIR, 'clip')

N_AUDIT_MEM, N_AUDIT_NON = 500, 500
N_NONREF = 500
N_POOL_MEM, N_POOL_NON = 500, 500
N_SHIFT = 500
N_EXTRA_TRAIN = 2000   # further member pairs, not in the manifests
SPLIT_SEED = 111
CAPTION_SEED = 222
TRAIN_SEED = 333
MAX_LENGTH = 16
EMBED_DIM = 64
EPOCHS = 15
BATCH = 100
LR = 1e-3

CAPTION_CLASS = ['tshirt', 'trousers', 'pullover', 'dress', 'coat', 'sandal', 'shirt', 'sneaker',
                 'bag', 'ankle boot']
STYLE = ['simple', 'classic', 'casual', 'vintage', 'modern', 'cozy', 'sporty', 'elegant', 'basic', 'trendy',
         'plain', 'fancy']
TEMPLATES = [
    'a photo of a {bright} {size} {cls}, {shape}',
    '{style} {cls}, {bright} and {size}',
    'a {shape} {cls} that looks {style} with {texture} fabric',
    'picture of a {texture} {bright} {cls}',
    'my {style} {size} {cls}, {texture} and {shape}',
]
# Shifted non-members: only classes Sandal, Sneaker, Bag, Ankle boot; gamma-brightened images;
# captions from another template family.
SHIFT_CLASSES = [5, 7, 8, 9]
SHIFT_TEMPLATES = [
    'product image: {cls} in {bright} tone, {size} size',
    'catalogue entry: {style} {cls} ({texture})',
]


# ----------------------------------------------------------------------------- captions

def pixel_attributes(img_u8):
    x = img_u8.astype(np.float64)
    fg = x > 20
    n_fg = max(int(fg.sum()), 1)
    mean_fg = float(x[fg].mean()) if fg.any() else 0.0
    std_fg = float(x[fg].std()) if fg.any() else 0.0
    fill = n_fg / x.size
    ys, xs = np.nonzero(fg)
    if len(ys):
        aspect = (xs.max() - xs.min() + 1) / (ys.max() - ys.min() + 1)
    else:
        aspect = 1.0
    return mean_fg, fill, aspect, std_fg


class CaptionMaker:
    def __init__(self, reference_images):
        stats = np.array([pixel_attributes(im) for im in reference_images])
        self.b_cut = np.quantile(stats[:, 0], [1 / 3, 2 / 3])
        self.f_cut = np.quantile(stats[:, 1], [1 / 3, 2 / 3])
        self.t_cut = np.quantile(stats[:, 3], 0.5)

    def words(self, img_u8):
        mean_fg, fill, aspect, std_fg = pixel_attributes(img_u8)
        bright = ['dark', 'grey', 'light'][int(np.searchsorted(self.b_cut, mean_fg))]
        size = ['small', 'medium', 'large'][int(np.searchsorted(self.f_cut, fill))]
        shape = 'tall' if aspect < 0.8 else ('wide' if aspect > 1.25 else 'square')
        texture = 'smooth' if std_fg < self.t_cut else 'textured'
        return dict(bright=bright, size=size, shape=shape, texture=texture)

    def caption(self, img_u8, label, index, shifted=False):
        rng = np.random.default_rng([CAPTION_SEED, int(index), 1 if shifted else 0])
        w = self.words(img_u8)
        w['cls'] = CAPTION_CLASS[label]
        w['style'] = STYLE[int(rng.integers(len(STYLE)))]
        templates = SHIFT_TEMPLATES if shifted else TEMPLATES
        return templates[int(rng.integers(len(templates)))].format(**w)


def shift_image(img_u8):
    """Gamma 0.5 brightening: p -> round(255 * (p/255)^0.5)."""
    return np.round(255.0 * (img_u8.astype(np.float64) / 255.0) ** 0.5).astype(np.uint8)


# ----------------------------------------------------------------------------- models

def l2norm(x):
    return x / x.pow(2).sum(dim=-1, keepdim=True).sqrt().clamp_min(1e-12)


class ImageEncoder(nn.Module):
    def __init__(self, dim=EMBED_DIM):
        super().__init__()
        self.c1 = nn.Conv2d(1, 32, 3, padding=1)
        self.c2 = nn.Conv2d(32, 64, 3, padding=1)
        self.c3 = nn.Conv2d(64, 64, 3, stride=2, padding=1)
        self.f1 = nn.Linear(64 * 4 * 4, 128)
        self.f2 = nn.Linear(128, dim)

    def forward(self, pixel_values):
        x = F.max_pool2d(F.relu(self.c1(pixel_values)), 2)
        x = F.max_pool2d(F.relu(self.c2(x)), 2)
        x = F.relu(self.c3(x))
        x = F.relu(self.f1(x.flatten(1)))
        return l2norm(self.f2(x))


class TextEncoder(nn.Module):
    def __init__(self, vocab_size, dim=EMBED_DIM, width=64, max_length=MAX_LENGTH):
        super().__init__()
        self.tok = nn.Embedding(vocab_size, width)
        self.pos = nn.Parameter(torch.zeros(max_length, width))
        nn.init.normal_(self.pos, std=0.02)
        self.ln1 = nn.LayerNorm(width)
        self.qkv = nn.Linear(width, 3 * width)
        self.proj = nn.Linear(width, width)
        self.ln2 = nn.LayerNorm(width)
        self.ff1 = nn.Linear(width, 2 * width)
        self.ff2 = nn.Linear(2 * width, width)
        self.out = nn.Linear(width, dim)
        self.width = width

    def forward(self, input_ids, attention_mask):
        mask = attention_mask.to(torch.float32)                     # [N, L]
        h = self.tok(input_ids) + self.pos                          # [N, L, W]
        q, k, v = self.qkv(self.ln1(h)).chunk(3, dim=-1)
        att = torch.matmul(q, k.transpose(1, 2)) / float(self.width) ** 0.5
        att = att + (1.0 - mask).unsqueeze(1) * -10000.0
        h = h + self.proj(torch.matmul(torch.softmax(att, dim=-1), v))
        h = h + self.ff2(F.relu(self.ff1(self.ln2(h))))
        pooled = (h * mask.unsqueeze(-1)).sum(1) / mask.sum(1, keepdim=True).clamp_min(1.0)
        return l2norm(self.out(pooled))


# ----------------------------------------------------------------------------- main

def blind_baseline(images_u8, labels01, captions=None, seed=0):
    """Model-free check: logistic regression on 7x7 block-mean pixels (/255), 5-fold CV AUC."""
    from sklearn.linear_model import LogisticRegression
    from sklearn.model_selection import StratifiedKFold, cross_val_predict
    from sklearn.metrics import roc_auc_score
    feats = images_u8.astype(np.float64).reshape(-1, 7, 4, 7, 4).mean(axis=(2, 4)).reshape(-1, 49) / 255.0
    cv = StratifiedKFold(n_splits=5, shuffle=True, random_state=seed)
    p = cross_val_predict(LogisticRegression(max_iter=2000), feats, labels01, cv=cv, method='predict_proba')[:, 1]
    res = {'pixels_7x7_logreg_auc': float(roc_auc_score(labels01, p))}
    if captions is not None:
        from sklearn.feature_extraction.text import CountVectorizer
        bow = CountVectorizer(token_pattern=r'[^\s]+', lowercase=True).fit_transform(
            [' '.join(words_of(c)) for c in captions])
        p2 = cross_val_predict(LogisticRegression(max_iter=2000), bow, labels01, cv=cv, method='predict_proba')[:, 1]
        res['caption_bow_logreg_auc'] = float(roc_auc_score(labels01, p2))
    return res


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument('--epochs', type=int, default=EPOCHS)
    ap.add_argument('--explore', action='store_true', help='only train and log the CSA AUC every 10 epochs')
    args = ap.parse_args()
    timer = common.Timer()
    images, labels = common.load_fashion_train()
    idx = np.random.default_rng(SPLIT_SEED).permutation(common.family_indices('clip'))
    cuts = np.cumsum([N_AUDIT_MEM, N_AUDIT_NON, N_NONREF, N_POOL_MEM, N_POOL_NON])
    audit_mem, audit_non, nonref, pool_mem, pool_non, rest = [np.sort(p) if k < 5 else p
                                                              for k, p in enumerate(np.split(idx, cuts))]
    # shifted non-members: only footwear and bags, brightened, other caption templates
    is_shift_class = np.isin(labels[rest], SHIFT_CLASSES)
    shift_non = np.sort(rest[is_shift_class][:N_SHIFT])
    extra = np.sort(rest[~np.isin(rest, shift_non)][:N_EXTRA_TRAIN])
    assert len(shift_non) == N_SHIFT and len(extra) == N_EXTRA_TRAIN
    maker = CaptionMaker(images[common.family_indices('clip')])

    # records: (id, index, image, caption, label, member, role)
    recs = []
    for role, arr, member in [('audit', audit_mem, 1), ('audit', audit_non, 0),
                              ('nonmember-reference', nonref, 0), ('pool', pool_mem, 1), ('pool', pool_non, 0)]:
        for i in arr:
            recs.append(dict(id=common.fm_id(i), index=int(i), img=images[i], label=int(labels[i]),
                             caption=maker.caption(images[i], int(labels[i]), i), member=member, role=role))
    shifted = []
    for i in shift_non:
        im = shift_image(images[i])
        shifted.append(dict(id='fm-shift-%05d' % i, index=int(i), img=im, label=int(labels[i]),
                            caption=maker.caption(im, int(labels[i]), i, shifted=True), member=0, role='audit'))
    order = {'audit': 0, 'nonmember-reference': 1, 'pool': 2}
    recs.sort(key=lambda r: (order[r['role']], r['id']))
    shifted.sort(key=lambda r: r['id'])

    extra_recs = [dict(id=common.fm_id(i), index=int(i), img=images[i], label=int(labels[i]),
                       caption=maker.caption(images[i], int(labels[i]), i), member=1, role='train-extra')
                  for i in extra]
    vocab_words = sorted({w for r in recs + shifted + extra_recs for w in words_of(r['caption'])})
    tok = WordTokenizer(vocab_words, MAX_LENGTH)
    max_words = max(len(words_of(r['caption'])) for r in recs + shifted + extra_recs)
    assert max_words <= MAX_LENGTH - 2, max_words

    train = [r for r in recs if r['member'] == 1] + extra_recs
    assert len(train) == N_AUDIT_MEM + N_POOL_MEM + N_EXTRA_TRAIN

    def tensors(rs):
        X = common.preprocess_u8(np.stack([r['img'] for r in rs]))
        enc = [tok.encode(r['caption']) for r in rs]
        ids = torch.tensor([e[0] for e in enc], dtype=torch.int64)
        mask = torch.tensor([e[1] for e in enc], dtype=torch.int64)
        return X, ids, mask

    Xtr, Itr, Mtr = tensors(train)
    audit = [r for r in recs if r['role'] == 'audit']
    Xa, Ia, Ma = tensors(audit)
    ya = np.array([r['member'] for r in audit])

    torch.manual_seed(TRAIN_SEED)
    gen = torch.Generator().manual_seed(TRAIN_SEED + 1)
    img_enc, txt_enc = ImageEncoder(), TextEncoder(len(tok.vocab))
    logit_scale = nn.Parameter(torch.tensor(float(np.log(1 / 0.07))))
    params = list(img_enc.parameters()) + list(txt_enc.parameters()) + [logit_scale]
    opt = torch.optim.Adam(params, lr=LR)
    n = Xtr.shape[0]

    def csa(X, I, M):
        img_enc.eval()
        txt_enc.eval()
        with torch.no_grad():
            e_i, e_t = img_enc(X), txt_enc(I, M)
        img_enc.train()
        txt_enc.train()
        return (e_i.double() * e_t.double()).sum(1).numpy(), e_i, e_t

    t_train = common.Timer()
    for ep in range(1, args.epochs + 1):
        img_enc.train()
        txt_enc.train()
        perm = torch.randperm(n, generator=gen)
        tot = 0.0
        for i in range(0, n, BATCH):
            b = perm[i:i + BATCH]
            ei, et = img_enc(Xtr[b]), txt_enc(Itr[b], Mtr[b])
            scale = logit_scale.clamp(0, float(np.log(100.0))).exp()
            logits = scale * ei @ et.t()
            target = torch.arange(len(b))
            loss = 0.5 * (F.cross_entropy(logits, target) + F.cross_entropy(logits.t(), target))
            opt.zero_grad()
            loss.backward()
            opt.step()
            tot += float(loss) * len(b)
        if ep % 5 == 0 or ep == args.epochs:
            s, _, _ = csa(Xa, Ia, Ma)
            m = common.roc_summary(s, ya)
            log('epoch %d loss %.4f scale %.2f CSA AUC %.3f TPR@1%% %.3f  (%.0fs)' % (
                ep, tot / n, float(logit_scale.exp()), m['auc'], m['tpr_at_1%_fpr'], t_train.elapsed()))
    train_seconds = t_train.elapsed()
    if args.explore:
        return
    img_enc.eval()
    txt_enc.eval()

    # ------------------------------------------------------------------ write files
    img_dir = common.ensure_dir(os.path.join(OUT, 'images'))
    gold = common.ensure_dir(os.path.join(OUT, 'goldens'))
    done_flag = os.path.join(OUT, 'DONE')
    if os.path.exists(done_flag):
        os.remove(done_flag)
    for fn in os.listdir(img_dir):
        os.remove(os.path.join(img_dir, fn))
    for r in recs + shifted:
        r['path'] = 'images/%s.png' % r['id']
        common.save_png_gray(os.path.join(OUT, r['path']), r['img'])
    common.write_manifest(os.path.join(OUT, 'manifest.csv'), recs)
    shifted_rows = [r for r in recs if r['role'] == 'audit' and r['member'] == 1] + shifted
    common.write_manifest(os.path.join(OUT, 'manifest-shifted.csv'), shifted_rows)

    with open(os.path.join(OUT, 'tokenizer.json'), 'w', encoding='utf-8') as f:
        import json
        json.dump(tok.to_hf_json(), f, indent=1)
        f.write('\n')
    common.write_json(os.path.join(OUT, 'tokenizer_config.json'), tok.hf_config())

    common.export_onnx(img_enc, torch.zeros(2, 1, 28, 28), os.path.join(OUT, 'image_encoder.onnx'),
                       ['pixel_values'], ['image_embeds'])
    common.export_onnx(txt_enc, (Itr[:2], Mtr[:2]), os.path.join(OUT, 'text_encoder.onnx'),
                       ['input_ids', 'attention_mask'], ['text_embeds'])
    training = {'pairs': n, 'epochs': args.epochs, 'batch': BATCH, 'optimizer': 'Adam', 'lr': LR,
                'loss': 'symmetric InfoNCE, learned temperature (init 1/0.07, logit scale clamped to 100)',
                'seed': TRAIN_SEED, 'learned_logit_scale': float(logit_scale.exp())}
    common.write_json(os.path.join(OUT, 'image_encoder.json'), {
        'kind': 'clip-image', 'preprocess': common.GRAY28_PREPROCESS, 'output': 'embedding',
        'embedding_dim': EMBED_DIM, 'normalized': True, 'input_name': 'pixel_values',
        'output_name': 'image_embeds', 'training': training})
    common.write_json(os.path.join(OUT, 'text_encoder.json'), {
        'kind': 'clip-text', 'output': 'embedding', 'embedding_dim': EMBED_DIM, 'normalized': True,
        'max_length': MAX_LENGTH, 'tokenizer': 'tokenizer.json', 'pad_token_id': 0,
        'input_names': ['input_ids', 'attention_mask'], 'input_dtype': 'int64',
        'output_name': 'text_embeds', 'training': training})

    # ------------------------------------------------------------------ goldens (from PNGs on disk)
    def from_disk(rs):
        u8 = np.stack([common.load_png_gray(os.path.join(OUT, r['path'])) for r in rs])
        return u8, common.preprocess_u8(u8)

    def embed(rs):
        u8, X = from_disk(rs)
        enc = [tok.encode(r['caption']) for r in rs]
        I = torch.tensor([e[0] for e in enc], dtype=torch.int64)
        M = torch.tensor([e[1] for e in enc], dtype=torch.int64)
        with torch.no_grad():
            ei, et = img_enc(X), txt_enc(I, M)
        return u8, X, I, M, ei.numpy(), et.numpy()

    par = audit[:4]
    _, Xp, Ip, Mp, eip, etp = embed(par)
    common.write_json(os.path.join(gold, 'parity.json'), {
        'ids': [r['id'] for r in par], 'captions': [r['caption'] for r in par],
        'preprocess': common.GRAY28_PREPROCESS,
        'image_encoder': {'model': 'image_encoder.onnx', 'input_name': 'pixel_values',
                          'input': common.tensor_bin(gold, 'parity-image-input.bin', Xp.numpy()),
                          'output_name': 'image_embeds', 'output': common.tensor_inline(eip, 'float32')},
        'text_encoder': {'model': 'text_encoder.onnx', 'max_length': MAX_LENGTH,
                         'input_ids': common.tensor_inline(Ip.numpy(), 'int64'),
                         'attention_mask': common.tensor_inline(Mp.numpy(), 'int64'),
                         'output_name': 'text_embeds', 'output': common.tensor_inline(etp, 'float32')}})

    # tokenizer goldens: a few captions plus edge cases (unknown word, punctuation, upper case, long)
    tok_cases = [r['caption'] for r in recs[:3]] + [shifted[0]['caption'],
                                                    'A Photo of a DARK tshirt, Gorgeous!',
                                                    ' '.join(['small'] * 20)]
    common.write_json(os.path.join(gold, 'tokenizer.json'), {
        'max_length': MAX_LENGTH,
        'cases': [{'text': t, 'input_ids': tok.encode(t)[0], 'attention_mask': tok.encode(t)[1]}
                  for t in tok_cases]})

    all_scores = {}
    for rs in (recs, shifted):
        _, _, _, _, ei, et = embed(rs)
        s = (ei.astype(np.float64) * et.astype(np.float64)).sum(1)
        for r, v in zip(rs, s):
            all_scores[r['id']] = float(v)
    audit_scores = np.array([all_scores[r['id']] for r in audit])
    sh_scores = np.array([all_scores[r['id']] for r in shifted_rows])
    y_sh = np.array([r['member'] for r in shifted_rows])
    m_iid = common.roc_summary(audit_scores, ya)
    m_sh = common.roc_summary(sh_scores, y_sh)
    u8_a, _ = from_disk(audit)
    u8_s, _ = from_disk(shifted_rows)
    blind_iid = blind_baseline(u8_a, ya, [r['caption'] for r in audit])
    blind_sh = blind_baseline(u8_s, y_sh, [r['caption'] for r in shifted_rows])
    pool = [r for r in recs if r['role'] == 'pool']
    nonref_s = np.array([all_scores[r['id']] for r in recs if r['role'] == 'nonmember-reference'])
    pool_s = np.array([all_scores[r['id']] for r in pool])
    pool_y = np.array([r['member'] for r in pool])
    wsa_info = {}
    for lam in (-0.5, 0.0, 0.5, 1.0, 1.5, 2.0, 2.5):
        tau = float(nonref_s.mean() + lam * nonref_s.std())
        pseudo = pool_s >= tau
        wsa_info[str(lam)] = {'tau': tau, 'n_pseudo_members': int(pseudo.sum()),
                              'pseudo_label_error_rate': float((pool_y[pseudo] == 0).mean()) if pseudo.any() else None}

    # train / held-out retrieval accuracy (top-1 image->text among the set)
    def retrieval(rs):
        _, _, _, _, ei, et = embed(rs)
        return float((np.argmax(ei @ et.T, axis=1) == np.arange(len(rs))).mean())

    results = {
        'csa_iid': m_iid, 'csa_shifted': m_sh,
        'blind_baseline_iid': blind_iid, 'blind_baseline_shifted': blind_sh,
        'mean_csa': {'audit_members': float(audit_scores[ya == 1].mean()),
                     'audit_nonmembers': float(audit_scores[ya == 0].mean()),
                     'shifted_nonmembers': float(sh_scores[y_sh == 0].mean())},
        'retrieval_top1_among_500': {'members': retrieval([r for r in audit if r['member'] == 1]),
                                     'nonmembers': retrieval([r for r in audit if r['member'] == 0])},
        'wsa_threshold_check (std ddof=0)': wsa_info,
    }
    common.write_json(os.path.join(gold, 'scores.json'), {
        'description': 'CSA = cosine similarity of image_embeds and text_embeds, computed in float64 from '
                       'the torch float32 embeddings; scores keyed by record id for every record of '
                       'manifest.csv and manifest-shifted.csv.',
        'audit_ids': [r['id'] for r in audit], 'audit_member': [int(v) for v in ya],
        'csa_audit': [float(v) for v in audit_scores],
        'shifted_ids': [r['id'] for r in shifted_rows], 'shifted_member': [int(v) for v in y_sh],
        'csa_shifted': [float(v) for v in sh_scores],
        'csa_by_id': all_scores,
        'blind_baseline': {'features': '28x28 PNG -> 7x7 means of 4x4 blocks, /255 (49 features)',
                           'model': 'sklearn LogisticRegression(max_iter=2000), default C=1',
                           'cv': 'StratifiedKFold(5, shuffle=True, random_state=0), out-of-fold predict_proba',
                           'caption_model': 'bag of words of the tokenizer\'s pre-tokenized words (CountVectorizer) + same LogisticRegression'},
        'metrics': results}, indent=None)
    summary = {'family': 'clip', 'counts': {'audit_members': N_AUDIT_MEM, 'audit_nonmembers': N_AUDIT_NON,
                                            'nonmember_reference': N_NONREF, 'pool_members': N_POOL_MEM,
                                            'pool_nonmembers': N_POOL_NON, 'shifted_nonmembers': N_SHIFT,
                                            'training_pairs': n},
               'vocab_size': len(tok.vocab), 'max_words_in_caption': max_words,
               'params': {'image_encoder': sum(p.numel() for p in img_enc.parameters()),
                          'text_encoder': sum(p.numel() for p in txt_enc.parameters())},
               'training': training, 'train_seconds': round(train_seconds, 1),
               'total_seconds': round(timer.elapsed(), 1), 'metrics': results}
    common.write_json(os.path.join(gold, 'summary.json'), summary)
    with open(done_flag, 'w') as f:
        f.write('clip demo family complete\n')
    log('clip: CSA iid %.3f shifted %.3f; blind iid %s shifted %s' % (m_iid['auc'], m_sh['auc'], blind_iid, blind_sh))
    log('clip done in %.1fs; size %.2f MB' % (timer.elapsed(), common.file_size_tree(OUT) / 1e6))


if __name__ == '__main__':
    main()
