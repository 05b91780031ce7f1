// the window model functions and WSAAsyncSelect (issue 4; being written).
#include "model/api_context.h"
