// WSASocket, WSASend, WSARecv, WSASendTo, WSARecvFrom, WSAGetOverlappedResult (issue 4; being written).
#include "model/api_context.h"
