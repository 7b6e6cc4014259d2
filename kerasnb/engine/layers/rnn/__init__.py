"""Recurrent layers: cells, `RNN`, SimpleRNN/LSTM/GRU, ConvLSTMs, and the Bidirectional and
TimeDistributed wrappers."""

from kerasnb.engine.layers.rnn.cells import GRUCell, LSTMCell, SimpleRNNCell, StackedRNNCells
from kerasnb.engine.layers.rnn.conv_lstm import ConvLSTM1D, ConvLSTM2D, ConvLSTM3D
from kerasnb.engine.layers.rnn.layers import GRU, LSTM, SimpleRNN
from kerasnb.engine.layers.rnn.rnn import RNN
from kerasnb.engine.layers.rnn.wrappers import Bidirectional, TimeDistributed

__all__ = ["RNN", "SimpleRNNCell", "SimpleRNN", "LSTMCell", "LSTM", "GRUCell", "GRU", "StackedRNNCells",
           "Bidirectional", "TimeDistributed", "ConvLSTM1D", "ConvLSTM2D", "ConvLSTM3D"]
