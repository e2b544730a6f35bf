"""MIA Workbench recipe for quantile-regression MIA (qmia, Bertran et al. 2023): trains a small CNN that predicts,
from an image alone, the (1 - alpha) quantile of the target's score on non-members, and exports it to ONNX.

The workbench's engine runs this file as a child process:  python3 train_quantile_regressor.py JOB.json
JOB.json (written by the engine, quantile-regressor-job.ts) names a float32 tensor file holding the training records
already preprocessed exactly as the target model expects, each record's score (the logit margin phi the target gave
it), which records train and which are held out, the quantile level, the architecture, the optimiser recipe and the
seed. Progress goes to stdout as one JSON object per line, the events of train_classifier.py, so one parser reads both:

  {"event": "start", "models": 1, "torch": "1.13.1"}
  {"event": "epoch", "model": 0, "epoch": e, "epochs": E, "loss": 0.41}     (loss: the mean pinball loss)
  {"event": "model", "model": 0, "name": "quantile-regressor", "trainAccuracy": 0.95, "heldOutAccuracy": 0.94,
   "seconds": 4.2, "sha256": "..."}
  {"event": "done"}

For a regressor, "accuracy" is the coverage: the fraction of records whose score lies at or below the predicted
quantile (1 - alpha when the quantile is right). Anything that goes wrong ends the process with a non-zero status and
a message on stderr. Deterministic given the seed on the CPU: seeded torch, one thread, deterministic algorithms.

Architecture "quantile-cnn" (width w): conv3x3(w) - relu - maxpool2 - conv3x3(2w) - relu - maxpool2 -
(avgpool to at most 8x8) - FC(4w) - relu - FC(1). It learns standardised scores; the exported graph maps its output back
to score units, so the ONNX file's output is the quantile itself, shape [batch, 1].
"""
import hashlib
import json
import os
import sys
import time

# Before torch is imported: on a busy machine OpenMP's spinning threads slow training by an order of magnitude.
os.environ.setdefault('OMP_WAIT_POLICY', 'PASSIVE')

import numpy as np  # noqa: E402
import torch  # noqa: E402
import torch.nn as nn  # noqa: E402
import torch.nn.functional as F  # noqa: E402

FORMAT = 'mia-workbench/quantile-regressor-job'


def emit(**event):
    sys.stdout.write(json.dumps(event) + '\n')
    sys.stdout.flush()


def fail(message):
    sys.stderr.write(message + '\n')
    sys.exit(2)


class QuantileCNN(nn.Module):
    def __init__(self, channels, height, width_px, width, channels_last, centre, spread):
        super().__init__()
        self.channels_last = channels_last
        self.conv1 = nn.Conv2d(channels, width, 3, padding=1)
        self.conv2 = nn.Conv2d(width, 2 * width, 3, padding=1)
        side_h, side_w = height // 4, width_px // 4
        if side_h < 1 or side_w < 1:
            fail('quantile-cnn needs images of at least 4x4 pixels; the target takes %dx%d.' % (width_px, height))
        # Feature maps wider than 8 are average-pooled by a fixed kernel (exportable, unlike an adaptive pool whose
        # size does not divide the input) so the dense layer stays small on large images.
        self.shrink = max(1, -(-max(side_h, side_w) // 8))
        flat = (side_h // self.shrink) * (side_w // self.shrink)
        self.fc1 = nn.Linear(2 * width * flat, 4 * width)
        self.fc2 = nn.Linear(4 * width, 1)
        # Scores are learnt standardised (well-scaled gradients whatever the target's margins); the export undoes it.
        self.register_buffer('centre', torch.tensor(float(centre)))
        self.register_buffer('spread', torch.tensor(float(spread)))

    def standardised(self, x):
        if self.channels_last:
            x = x.permute(0, 3, 1, 2)
        x = F.max_pool2d(F.relu(self.conv1(x)), 2)
        x = F.max_pool2d(F.relu(self.conv2(x)), 2)
        if self.shrink > 1:
            x = F.avg_pool2d(x, self.shrink)
        return self.fc2(F.relu(self.fc1(x.flatten(1))))

    def forward(self, x):
        return self.centre + self.spread * self.standardised(x)


def pinball(residual, tau):
    """The pinball (quantile) loss of residual = score - prediction at level tau, averaged."""
    return torch.mean(torch.maximum(tau * residual, (tau - 1.0) * residual))


def coverage(model, X, y, rows):
    if len(rows) == 0:
        return None
    with torch.no_grad():
        predicted = model(X[rows]).squeeze(1)
    return float((y[rows] <= predicted).double().mean())


def file_sha256(path):
    digest = hashlib.sha256()
    with open(path, 'rb') as handle:
        for block in iter(lambda: handle.read(1 << 20), b''):
            digest.update(block)
    return digest.hexdigest()


def main():
    if len(sys.argv) != 2:
        fail('usage: train_quantile_regressor.py JOB.json')
    job_file = sys.argv[1]
    with open(job_file, encoding='utf-8') as handle:
        job = json.load(handle)
    if job.get('format') != FORMAT or job.get('version') != 1:
        fail('%s is not a version 1 %s file.' % (job_file, FORMAT))
    if job['architecture']['name'] != 'quantile-cnn':
        fail('Unknown architecture %r; this recipe trains "quantile-cnn".' % job['architecture']['name'])
    torch.set_num_threads(max(1, int(job.get('threads', 1))))
    torch.use_deterministic_algorithms(True)
    data = job['data']
    count, shape, layout = data['count'], data['shape'], data['layout']
    values = np.fromfile(data['file'], dtype='<f4')
    if values.size != count * int(np.prod(shape)):
        fail('%s holds %d floats; %d records of shape %s need %d.' % (data['file'], values.size, count, shape,
                                                                      count * int(np.prod(shape))))
    if len(job['scores']) != count:
        fail('%s gives %d scores for %d records.' % (job_file, len(job['scores']), count))
    X = torch.from_numpy(values.reshape([count] + list(shape)))
    y = torch.tensor(job['scores'], dtype=torch.float32)
    train_on = torch.tensor(job['trainOn'], dtype=torch.long)
    held_out = torch.tensor(job['heldOut'], dtype=torch.long)
    if len(train_on) < 2:
        fail('The regressor needs at least 2 training records; the job gives %d.' % len(train_on))
    tau = float(job['quantile'])
    recipe = job['recipe']
    emit(event='start', models=1, torch=torch.__version__)

    torch.manual_seed(job['seed'])
    order = torch.Generator().manual_seed(job['seed'] + 1)
    channels, height, width_px = shape if layout == 'NCHW' else (shape[2], shape[0], shape[1])
    train_scores = y[train_on]
    centre, spread = float(train_scores.mean()), float(train_scores.std().clamp(min=1e-3))
    model = QuantileCNN(channels, height, width_px, job['architecture']['width'], layout == 'NHWC', centre, spread)
    with torch.no_grad():
        # Start at the empirical quantile of the training scores: the image-free answer the CNN improves on.
        model.fc2.bias.fill_(float((torch.quantile(train_scores, tau) - centre) / spread))
    optimiser = torch.optim.Adam(model.parameters(), lr=recipe['learningRate'], weight_decay=recipe['weightDecay'])
    n, batch = len(train_on), recipe['batchSize']
    started = time.time()
    for epoch in range(recipe['epochs']):
        model.train()
        total = 0.0
        permutation = train_on[torch.randperm(n, generator=order)]
        for start in range(0, n, batch):
            rows = permutation[start:start + batch]
            optimiser.zero_grad()
            residual = (y[rows] - centre) / spread - model.standardised(X[rows]).squeeze(1)
            loss = pinball(residual, tau)
            loss.backward()
            optimiser.step()
            total += float(loss) * len(rows) * spread
        emit(event='epoch', model=0, epoch=epoch + 1, epochs=recipe['epochs'], loss=total / n)
    seconds = time.time() - started
    model.eval()
    dummy = torch.zeros((2,) + tuple(shape), dtype=torch.float32)
    names = [job['inputName'], job['outputName']]
    partial = job['onnx'] + '.partial'
    with torch.no_grad():
        torch.onnx.export(model, dummy, partial, input_names=names[:1], output_names=names[1:], opset_version=17,
                          dynamic_axes={name: {0: 'batch'} for name in names}, do_constant_folding=True)
    os.replace(partial, job['onnx'])  # a file with the final name is always a complete export
    emit(event='model', model=0, name='quantile-regressor', trainAccuracy=coverage(model, X, y, train_on),
         heldOutAccuracy=coverage(model, X, y, held_out), seconds=round(seconds, 3), sha256=file_sha256(job['onnx']))
    emit(event='done')


if __name__ == '__main__':
    main()
