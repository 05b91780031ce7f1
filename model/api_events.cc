// WSAEventSelect, WSAEnumNetworkEvents and the WSA event-object functions (issue 4; being written).
#include "model/api_context.h"
