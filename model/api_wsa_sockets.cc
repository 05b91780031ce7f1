// WSAAccept, WSAConnect, WSADuplicateSocket, WSASendDisconnect, WSARecvDisconnect, WSAIoctl, WSAAddressToString, WSAStringToAddress (issue 4; being written).
#include "model/api_context.h"
