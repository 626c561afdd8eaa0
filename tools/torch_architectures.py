"""torchvision's small image classifiers, written out here because torchvision cannot be installed
beside this environment's torch (2.13.0+cpu comes from a local wheel folder that has no matching
torchvision): the same layers, channel counts and operators as ``torchvision.models``, so torch's
exporter writes the same ONNX operators (hard-swish and hard-sigmoid, channel shuffle, Flatten,
ceil-mode pools).  Random weights (``torch.manual_seed``); used by ``tools/coverage_set.py`` and
the rewrite tests (tests/export/test_rewrites_on_models.py)."""

from __future__ import annotations


def mobilenet_v3_small():
    """torchvision.models.mobilenet_v3_small: hard-swish, squeeze-excitation with hard-sigmoid."""
    from torch import nn

    def cbn(i, o, k, s, g=1, act=nn.Hardswish):
        return [nn.Conv2d(i, o, k, s, (k - 1) // 2, groups=g, bias=False), nn.BatchNorm2d(o)] + ([act()] if act else [])

    class SE(nn.Module):
        def __init__(self, c, sq):
            super().__init__()
            self.fc1, self.fc2 = nn.Conv2d(c, sq, 1), nn.Conv2d(sq, c, 1)
            self.relu, self.hs = nn.ReLU(), nn.Hardsigmoid()

        def forward(self, x):
            s = nn.functional.adaptive_avg_pool2d(x, 1)
            return x * self.hs(self.fc2(self.relu(self.fc1(s))))

    class Block(nn.Module):
        def __init__(self, i, k, e, o, se, hs, s):
            super().__init__()
            act = nn.Hardswish if hs else nn.ReLU
            layers = cbn(i, e, 1, 1, act=act) if e != i else []
            layers += cbn(e, e, k, s, g=e, act=act)
            if se:
                layers.append(SE(e, ((e // 4 + 4) // 8) * 8))
            layers += cbn(e, o, 1, 1, act=None)
            self.block, self.res = nn.Sequential(*layers), s == 1 and i == o

        def forward(self, x):
            y = self.block(x)
            return x + y if self.res else y

    cfg = [(16, 3, 16, 16, True, False, 2), (16, 3, 72, 24, False, False, 2), (24, 3, 88, 24, False, False, 1),
           (24, 5, 96, 40, True, True, 2), (40, 5, 240, 40, True, True, 1), (40, 5, 240, 40, True, True, 1),
           (40, 5, 120, 48, True, True, 1), (48, 5, 144, 48, True, True, 1), (48, 5, 288, 96, True, True, 2),
           (96, 5, 576, 96, True, True, 1), (96, 5, 576, 96, True, True, 1)]
    return nn.Sequential(*cbn(3, 16, 3, 2), *[Block(*c) for c in cfg], *cbn(96, 576, 1, 1), nn.AdaptiveAvgPool2d(1),
                         nn.Flatten(1), nn.Linear(576, 1024), nn.Hardswish(), nn.Dropout(0.2), nn.Linear(1024, 1000))


def shufflenet_v2():
    """torchvision.models.shufflenet_v2_x0_5: channel split (chunk) and channel shuffle
    (view → transpose → view)."""
    import torch
    from torch import nn

    def shuffle(x, groups=2):
        b, c, h, w = x.size()
        return x.view(b, groups, c // groups, h, w).transpose(1, 2).contiguous().view(b, c, h, w)

    class Unit(nn.Module):
        def __init__(self, i, o, s):
            super().__init__()
            b = o // 2
            self.s = s
            if s > 1:
                self.branch1 = nn.Sequential(nn.Conv2d(i, i, 3, s, 1, groups=i, bias=False), nn.BatchNorm2d(i),
                                             nn.Conv2d(i, b, 1, bias=False), nn.BatchNorm2d(b), nn.ReLU())
            j = i if s > 1 else b
            self.branch2 = nn.Sequential(nn.Conv2d(j, b, 1, bias=False), nn.BatchNorm2d(b), nn.ReLU(),
                                         nn.Conv2d(b, b, 3, s, 1, groups=b, bias=False), nn.BatchNorm2d(b),
                                         nn.Conv2d(b, b, 1, bias=False), nn.BatchNorm2d(b), nn.ReLU())

        def forward(self, x):
            if self.s == 1:
                x1, x2 = x.chunk(2, dim=1)
                out = torch.cat((x1, self.branch2(x2)), 1)
            else:
                out = torch.cat((self.branch1(x), self.branch2(x)), 1)
            return shuffle(out)

    chans, layers, i = [24, 48, 96, 192, 1024], [], 24
    for reps, o in zip([4, 8, 4], chans[1:4]):
        layers += [Unit(i, o, 2)] + [Unit(o, o, 1) for _ in range(reps - 1)]
        i = o

    class Net(nn.Module):
        def __init__(self):
            super().__init__()
            self.conv1 = nn.Sequential(nn.Conv2d(3, 24, 3, 2, 1, bias=False), nn.BatchNorm2d(24), nn.ReLU())
            self.maxpool, self.stages = nn.MaxPool2d(3, 2, 1), nn.Sequential(*layers)
            self.conv5 = nn.Sequential(nn.Conv2d(192, 1024, 1, bias=False), nn.BatchNorm2d(1024), nn.ReLU())
            self.fc = nn.Linear(1024, 1000)

        def forward(self, x):
            x = self.conv5(self.stages(self.maxpool(self.conv1(x))))
            return self.fc(x.mean([2, 3]))

    return Net()


def squeezenet1_1():
    """torchvision.models.squeezenet1_1: fire modules, ceil-mode max pools, flatten."""
    import torch
    from torch import nn

    class Fire(nn.Module):
        def __init__(self, i, s, e):
            super().__init__()
            self.sq, self.e1, self.e3 = nn.Conv2d(i, s, 1), nn.Conv2d(s, e, 1), nn.Conv2d(s, e, 3, padding=1)

        def forward(self, x):
            x = torch.relu(self.sq(x))
            return torch.cat([torch.relu(self.e1(x)), torch.relu(self.e3(x))], 1)

    return nn.Sequential(nn.Conv2d(3, 64, 3, 2), nn.ReLU(), nn.MaxPool2d(3, 2, ceil_mode=True), Fire(64, 16, 64),
                         Fire(128, 16, 64), nn.MaxPool2d(3, 2, ceil_mode=True), Fire(128, 32, 128), Fire(256, 32, 128),
                         nn.MaxPool2d(3, 2, ceil_mode=True), Fire(256, 48, 192), Fire(384, 48, 192), Fire(384, 64, 256),
                         Fire(512, 64, 256), nn.Dropout(0.5), nn.Conv2d(512, 1000, 1), nn.ReLU(),
                         nn.AdaptiveAvgPool2d(1), nn.Flatten(1))


def resnet18():
    """torchvision.models.resnet18: basic blocks, adaptive average pool, flatten, fc."""
    from torch import nn

    class Basic(nn.Module):
        def __init__(self, i, o, s):
            super().__init__()
            self.body = nn.Sequential(nn.Conv2d(i, o, 3, s, 1, bias=False), nn.BatchNorm2d(o), nn.ReLU(),
                                      nn.Conv2d(o, o, 3, 1, 1, bias=False), nn.BatchNorm2d(o))
            self.down = (nn.Sequential(nn.Conv2d(i, o, 1, s, bias=False), nn.BatchNorm2d(o))
                         if s != 1 or i != o else nn.Identity())

        def forward(self, x):
            return nn.functional.relu(self.body(x) + self.down(x))

    layers, i = [], 64
    for o, s in ((64, 1), (128, 2), (256, 2), (512, 2)):
        layers += [Basic(i, o, s), Basic(o, o, 1)]
        i = o
    return nn.Sequential(nn.Conv2d(3, 64, 7, 2, 3, bias=False), nn.BatchNorm2d(64), nn.ReLU(), nn.MaxPool2d(3, 2, 1),
                         *layers, nn.AdaptiveAvgPool2d(1), nn.Flatten(1), nn.Linear(512, 1000))
