"""MIA Workbench training recipe: trains planned shadow or reference classifiers and exports each to ONNX.

The workbench runs this file as a child process:  python3 train_classifier.py JOB.json [--model INDEX]
With --model INDEX it trains only the planned model at that index (a Slurm array task trains one model each).
JOB.json (written by the workbench) names a float32 tensor file holding every pooled record already preprocessed
exactly as the target model expects, the labels, the architecture, the optimiser recipe, and per model the pool
indices it trains on and holds out. Progress goes to stdout as one JSON object per line:

  {"event": "start", "models": K, "torch": "1.13.1"}
  {"event": "epoch", "model": i, "epoch": e, "epochs": E, "loss": 0.41}
  {"event": "model", "model": i, "name": "shadow_00", "trainAccuracy": 1.0, "heldOutAccuracy": 0.83, "seconds": 4.2,
   "sha256": "…"}
  {"event": "done"}

With --model, the model event is also written beside the ONNX file as ONNX.result.json, so a workbench that reads
the model back from a cluster's shared folder can check the file it copies is the one exported here (its sha256).

Anything that goes wrong ends the process with a non-zero status and a message on stderr.
Architecture "shokri-cnn": conv5x5(c1) - tanh - maxpool2 - conv5x5(c2) - tanh - maxpool2 - FC(hidden) - tanh -
FC(classes), the CNN of Shokri et al. as the demo kit's target uses it; feature maps larger than 4x4 are
average-pooled to 4x4 so the dense layer stays small on larger images.
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

FORMAT = 'mia-workbench/training-job'


def emit(**event):
    sys.stdout.write(json.dumps(event) + '\n')
    sys.stdout.flush()


def fail(message):
    sys.stderr.write(message + '\n')
    sys.exit(2)


class ShokriCNN(nn.Module):
    def __init__(self, channels, height, width, classes, conv1, conv2, hidden, channels_last):
        super().__init__()
        self.channels_last = channels_last
        self.conv1 = nn.Conv2d(channels, conv1, 5)
        self.conv2 = nn.Conv2d(conv1, conv2, 5)
        side_h = ((height - 4) // 2 - 4) // 2
        side_w = ((width - 4) // 2 - 4) // 2
        if side_h < 1 or side_w < 1:
            fail('shokri-cnn needs images of at least 16x16 pixels; the target takes %dx%d.' % (width, height))
        self.pool_to = None if (side_h, side_w) == (4, 4) or (side_h < 4 and side_w < 4) else (min(side_h, 4), min(side_w, 4))
        flat_h, flat_w = self.pool_to or (side_h, side_w)
        self.fc1 = nn.Linear(conv2 * flat_h * flat_w, hidden)
        self.fc2 = nn.Linear(hidden, classes)

    def forward(self, x):
        if self.channels_last:
            x = x.permute(0, 3, 1, 2)
        x = F.max_pool2d(torch.tanh(self.conv1(x)), 2)
        x = F.max_pool2d(torch.tanh(self.conv2(x)), 2)
        if self.pool_to is not None:
            x = F.adaptive_avg_pool2d(x, self.pool_to)
        x = torch.tanh(self.fc1(x.flatten(1)))
        return self.fc2(x)


def accuracy(model, X, Y, indices):
    if len(indices) == 0:
        return None
    model.eval()
    correct = 0
    with torch.no_grad():
        for start in range(0, len(indices), 500):
            chunk = indices[start:start + 500]
            correct += int((model(X[chunk]).argmax(1) == Y[chunk]).sum())
    return correct / len(indices)


def train_one(job, X, Y, index, spec, write_result):
    recipe, arch = job['recipe'], job['architecture']
    torch.manual_seed(spec['seed'])
    order = torch.Generator().manual_seed(spec['seed'] + 1)
    layout = job['data']['layout']
    if layout == 'NCHW':
        channels, height, width = job['data']['shape']
    else:
        height, width, channels = job['data']['shape']
    model = ShokriCNN(channels, height, width, job['classes'], arch['conv1'], arch['conv2'], arch['hidden'],
                      layout == 'NHWC')
    optimiser = torch.optim.Adam(model.parameters(), lr=recipe['learningRate'], weight_decay=recipe['weightDecay'])
    train_on = torch.tensor(spec['trainOn'], dtype=torch.long)
    n, batch = len(train_on), recipe['batchSize']
    started = time.time()
    for epoch in range(recipe['epochs']):
        model.train()
        total, seen = 0.0, 0
        permutation = train_on[torch.randperm(n, generator=order)]
        for start in range(0, n, batch):
            rows = permutation[start:start + batch]
            optimiser.zero_grad()
            loss = F.cross_entropy(model(X[rows]), Y[rows])
            loss.backward()
            optimiser.step()
            total += float(loss) * len(rows)
            seen += len(rows)
        emit(event='epoch', model=index, epoch=epoch + 1, epochs=recipe['epochs'], loss=total / max(seen, 1))
    seconds = time.time() - started
    model.eval()
    dummy = torch.zeros((2,) + tuple(job['data']['shape']), dtype=torch.float32)
    names = [job['inputName'], job['outputName']]
    partial = spec['onnx'] + '.partial'
    with torch.no_grad():
        torch.onnx.export(model, dummy, partial, input_names=names[:1], output_names=names[1:], opset_version=17,
                          dynamic_axes={name: {0: 'batch'} for name in names}, do_constant_folding=True)
    os.replace(partial, spec['onnx'])  # a file with the final name is always a complete export
    held_out = torch.tensor(spec['heldOut'], dtype=torch.long)
    result = dict(event='model', model=index, name=spec['name'], trainAccuracy=accuracy(model, X, Y, train_on),
                  heldOutAccuracy=accuracy(model, X, Y, held_out), seconds=round(seconds, 3),
                  sha256=file_sha256(spec['onnx']))
    if write_result:
        with open(spec['onnx'] + '.result.json.partial', 'w', encoding='utf-8') as handle:
            json.dump(result, handle)
        os.replace(spec['onnx'] + '.result.json.partial', spec['onnx'] + '.result.json')
    emit(**result)


def file_sha256(path):
    digest = hashlib.sha256()
    with open(path, 'rb') as handle:
        for block in iter(lambda: handle.read(1 << 20), b''):
            digest.update(block)
    return digest.hexdigest()


def parse_arguments(argv):
    """JOB.json, and optionally --model INDEX: the one planned model to train."""
    if len(argv) == 2:
        return argv[1], None
    if len(argv) == 4 and argv[2] == '--model' and argv[3].isdigit():
        return argv[1], int(argv[3])
    fail('usage: train_classifier.py JOB.json [--model INDEX]')


def main():
    job_file, only = parse_arguments(sys.argv)
    with open(job_file, encoding='utf-8') as handle:
        job = json.load(handle)
    if job.get('format') != FORMAT or job.get('version') != 1:
        fail('%s is not a version 1 %s file.' % (job_file, FORMAT))
    if only is not None and only >= len(job['models']):
        fail('--model %d: the job plans %d models (indices 0 to %d).' % (only, len(job['models']),
                                                                       len(job['models']) - 1))
    if job['architecture']['name'] != 'shokri-cnn':
        fail('Unknown architecture %r; this recipe trains "shokri-cnn".' % job['architecture']['name'])
    torch.set_num_threads(max(1, int(job.get('threads', 1))))
    data = job['data']
    count, shape = data['count'], data['shape']
    values = np.fromfile(data['file'], dtype='<f4')
    if values.size != count * int(np.prod(shape)):
        fail('%s holds %d floats; %d records of shape %s need %d.' % (data['file'], values.size, count, shape,
                                                                      count * int(np.prod(shape))))
    X = torch.from_numpy(values.reshape([count] + list(shape)))
    Y = torch.tensor(data['labels'], dtype=torch.long)
    chosen = list(enumerate(job['models'])) if only is None else [(only, job['models'][only])]
    emit(event='start', models=len(chosen), torch=torch.__version__)
    for index, spec in chosen:
        train_one(job, X, Y, index, spec, write_result=only is not None)
    emit(event='done')


if __name__ == '__main__':
    main()
