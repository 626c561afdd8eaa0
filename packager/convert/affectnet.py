"""The EMO-AffectNet static model (ResNet-50, Ryumina et al.), rebuilt so that its published
state_dict (``FER_static_ResNet50_AffectNet.pt``) loads by name.

The upstream code ports a Keras model: TensorFlow "same" padding, batch-norm eps 0.001, and a
two-layer head (``fc1`` 2048→512, ReLU, ``fc2`` 512→7).
"""

from __future__ import annotations

import math

import torch
from torch import nn
from torch.nn import functional as F


class Conv2dSame(nn.Conv2d):
    """Conv2d with TensorFlow "same" padding computed from the input size:
    pad = max((ceil(i/s) − 1)·s + k − i, 0), split pad//2 before and the rest after."""

    def forward(self, x):
        # Static shapes are intended: the exported graph gets constant pads (tracing warns).
        ih, iw = (int(v) for v in x.shape[-2:])
        pads = []
        for size, k, s in ((iw, self.kernel_size[1], self.stride[1]), (ih, self.kernel_size[0], self.stride[0])):
            p = max((math.ceil(size / s) - 1) * s + k - size, 0)
            pads += [p // 2, p - p // 2]
        return super().forward(F.pad(x, pads))


def _bn(c: int) -> nn.BatchNorm2d:
    return nn.BatchNorm2d(c, eps=0.001, momentum=0.99)


class Bottleneck(nn.Module):
    expansion = 4

    def __init__(self, cin: int, planes: int, downsample: nn.Module | None, stride: int):
        super().__init__()
        self.conv1 = nn.Conv2d(cin, planes, 1, stride=stride, bias=False)
        self.batch_norm1 = _bn(planes)
        self.conv2 = Conv2dSame(planes, planes, 3, bias=False)
        self.batch_norm2 = _bn(planes)
        self.conv3 = nn.Conv2d(planes, planes * 4, 1, bias=False)
        self.batch_norm3 = _bn(planes * 4)
        self.i_downsample = downsample
        self.relu = nn.ReLU()

    def forward(self, x):
        identity = x if self.i_downsample is None else self.i_downsample(x)
        x = self.relu(self.batch_norm1(self.conv1(x)))
        x = self.relu(self.batch_norm2(self.conv2(x)))
        x = self.batch_norm3(self.conv3(x))
        return self.relu(x + identity)


class ResNet50(nn.Module):
    """EMO-AffectNet ResNet-50: input [N, 3, 224, 224] BGR minus per-channel mean; output
    [N, 7] logits."""

    def __init__(self, num_classes: int = 7, blocks=(3, 4, 6, 3)):
        super().__init__()
        self.conv_layer_s2_same = Conv2dSame(3, 64, 7, stride=2, bias=False)
        self.batch_norm1 = _bn(64)
        self.relu = nn.ReLU()
        self.max_pool = nn.MaxPool2d(3, stride=2)
        self.cin = 64
        self.layer1 = self._layer(blocks[0], 64, 1)
        self.layer2 = self._layer(blocks[1], 128, 2)
        self.layer3 = self._layer(blocks[2], 256, 2)
        self.layer4 = self._layer(blocks[3], 512, 2)
        self.avgpool = nn.AdaptiveAvgPool2d((1, 1))
        self.fc1 = nn.Linear(2048, 512)
        self.relu1 = nn.ReLU()
        self.fc2 = nn.Linear(512, num_classes)

    def _layer(self, n: int, planes: int, stride: int) -> nn.Sequential:
        down = None
        if stride != 1 or self.cin != planes * 4:
            down = nn.Sequential(nn.Conv2d(self.cin, planes * 4, 1, stride=stride, bias=False), _bn(planes * 4))
        layers = [Bottleneck(self.cin, planes, down, stride)]
        self.cin = planes * 4
        layers += [Bottleneck(self.cin, planes, None, 1) for _ in range(n - 1)]
        return nn.Sequential(*layers)

    def forward(self, x):
        x = self.max_pool(self.relu(self.batch_norm1(self.conv_layer_s2_same(x))))
        x = self.layer4(self.layer3(self.layer2(self.layer1(x))))
        x = torch.flatten(self.avgpool(x), 1)
        return self.fc2(self.relu1(self.fc1(x)))
